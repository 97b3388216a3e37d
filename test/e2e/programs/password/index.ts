import * as pulumi from "@pulumi/pulumi";
import { GeneratedPassword } from "@vamp-pulumi/components";

const length = new pulumi.Config().requireNumber("length");
const pw = new GeneratedPassword("db", { length });
export const value = pw.value;
