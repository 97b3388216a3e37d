import * as pulumi from "@pulumi/pulumi";
import { RegionalElasticsearch, type RegionalElasticsearchArgs } from "@vamp-pulumi/components";

const layout = new pulumi.Config().requireObject<RegionalElasticsearchArgs>("layout");
const search = new RegionalElasticsearch("search", layout);
export const routing = search.routing;
