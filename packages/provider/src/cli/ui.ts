/**
 * `vamp ui`: the web page of a store's tenants (gateways, splits, live charts, releases, events,
 * deployments), served on loopback unless told otherwise. Changes need the token (given by
 * VAMP_UI_TOKEN or --token-file, else made up at start and printed in the page's address);
 * `--read-only` takes none.
 */
import type { Command } from "commander";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { serveStatus } from "../infra/http-status";
import { type Problem } from "../model/problem";
import { connectSearch } from "../search/client";
import { openStore, storeCredentialsFromEnv } from "../store";
import { uiSource } from "../ui/api";
import { stopOnSignal } from "./lifecycle";
import { searchTargetFromArgs, withSearchOptions, type SearchOptionValues } from "./search-args";
import { parseListen, refuseProblems, storeFromArgs, withStoreOptions, type StoreOptionValues } from "./store-args";

interface UiFlags extends StoreOptionValues, SearchOptionValues {
  listen: string;
  readOnly?: boolean;
  tokenFile?: string;
  kubeconfig?: string;
  user?: string;
}

/** The built page (`npm run build` builds it into packages/ui/dist). */
function pageFiles(): { dir?: string; problem?: Problem } {
  let dir: string;
  try {
    dir = path.join(path.dirname(require.resolve("@vamp-pulumi/ui/package.json")), "dist");
  } catch {
    return { problem: { source: "", path: "", message: "the page is not installed (@vamp-pulumi/ui is missing)" } };
  }
  return fs.existsSync(path.join(dir, "index.html"))
    ? { dir }
    : { problem: { source: "", path: "", message: `the page is not built (${dir}): run npm run build` } };
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1)$/;

/** The token changes need: given, or made up now (on loopback only: elsewhere a made-up token would only be in a log). */
function tokenOf(flags: UiFlags, host: string): { token?: string; made: boolean; problem?: Problem } {
  if (flags.readOnly) return { made: false };
  if (flags.tokenFile) {
    try {
      const token = fs.readFileSync(flags.tokenFile, "utf8").trim();
      if (token.length < 16) return { made: false, problem: { source: "", path: "--token-file", message: "the token must be at least 16 characters" } };
      return { token, made: false };
    } catch (e) {
      return {
        made: false,
        problem: { source: "", path: "--token-file", message: `cannot read ${JSON.stringify(flags.tokenFile)}: ${(e as NodeJS.ErrnoException).code}` },
      };
    }
  }
  if (process.env.VAMP_UI_TOKEN) return { token: process.env.VAMP_UI_TOKEN, made: false };
  if (!LOOPBACK.test(host))
    return {
      made: false,
      problem: { source: "", path: "--listen", message: `${host} is not loopback: give the token (VAMP_UI_TOKEN or --token-file) or --read-only` },
    };
  return { token: crypto.randomBytes(18).toString("base64url"), made: true };
}

/** Registers `vamp ui` on the program. */
export function uiCommand(program: Command): void {
  const cmd = withSearchOptions(withStoreOptions(program.command("ui"), { optional: true }), { events: true })
    .description("the web page of the store's tenants: gateways, splits, live charts, releases, events, deployments")
    .option("--listen <host:port>", "where the page is served (loopback unless told otherwise)", "127.0.0.1:19080")
    .option("--read-only", "take no changes (no weights, no promote or abort)")
    .option("--token-file <file>", "the token changes need (default $VAMP_UI_TOKEN, else one made up now and printed)")
    .option("--kubeconfig <path>", "the Kubernetes API for the deployments view (default: none)")
    .option("--user <name>", "who the page's changes are written as: ui/<user> (default: this user)");
  cmd.action(async (flags: UiFlags) => {
    const listen = parseListen(flags.listen);
    const { connection, problems } = storeFromArgs(flags);
    const events = searchTargetFromArgs(flags, "events");
    const page = pageFiles();
    const token = tokenOf(flags, listen.problems.length ? "127.0.0.1" : listen.host);
    const all = [...listen.problems, ...problems, ...events.problems, ...(page.problem ? [page.problem] : []), ...(token.problem ? [token.problem] : [])];
    refuseProblems(cmd, all, "vamp ui");
    const store = openStore(connection, storeCredentialsFromEnv());
    const search = events.target ? await connectSearch(events.target) : undefined;
    const user = flags.user ?? os.userInfo().username;
    const source = uiSource({ store, user, token: token.token, search, kubeconfig: flags.kubeconfig, files: page.dir! });
    // On loopback, only loopback names: a site the browser visits cannot rebind its name to the page.
    const hosts = LOOPBACK.test(listen.host) ? [listen.host, "localhost", "127.0.0.1", "[::1]"].map((h) => `${h}:${listen.port}`) : undefined;
    const server = await serveStatus({ ...source, hosts }, listen);
    const tenant = flags.organization && flags.environment ? `?organization=${flags.organization}&environment=${flags.environment}` : "";
    const address = `http://${listen.host}:${listen.port}/${tenant}`;
    console.log(`Vamp UI: ${address}${token.made ? `#token=${token.token}` : ""}${token.token ? "" : "  (read-only)"}`);
    stopOnSignal({ stop: async () => search?.close(), server, store });
  });
}
