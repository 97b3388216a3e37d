/**
 * The search-cluster options of our command lines: `--search-url` (the environment's region:
 * gateway logs, windowed metrics) and `--events-url` (the management region: events). Credentials
 * come from the environment (VAMP_SEARCH_USERNAME, VAMP_SEARCH_PASSWORD, VAMP_SEARCH_API_KEY; for
 * events VAMP_EVENTS_USERNAME, ...), never from arguments.
 */
import type { Command } from "commander";
import type { Problem } from "../model/problem";
import type { SearchFlavor, SearchTarget } from "../search/client";

export interface SearchOptionValues {
  searchUrl?: string;
  searchFlavor?: string;
  eventsUrl?: string;
  eventsFlavor?: string;
}

const FLAVORS = ["elasticsearch", "opensearch"];

/** Adds `--search-url`/`--search-flavor` and, with `events`, `--events-url`/`--events-flavor`. */
export function withSearchOptions(cmd: Command, which: { search?: boolean; events?: boolean }): Command {
  if (which.search)
    cmd
      .option("--search-url <url>", "the environment's search cluster (gateway logs): http(s)://host:port")
      .option("--search-flavor <flavor>", "elasticsearch | opensearch (default: asked of the cluster)");
  if (which.events)
    cmd
      .option("--events-url <url>", "the management region's search cluster (events)")
      .option("--events-flavor <flavor>", "elasticsearch | opensearch (default: asked of the cluster)");
  return cmd;
}

/** The target `--<which>-url` names (undefined when not given), and what is wrong with it. */
export function searchTargetFromArgs(
  values: SearchOptionValues,
  which: "search" | "events",
  env: NodeJS.ProcessEnv = process.env,
): { target?: SearchTarget; problems: Problem[] } {
  const url = which === "search" ? values.searchUrl : values.eventsUrl;
  const flavor = which === "search" ? values.searchFlavor : values.eventsFlavor;
  const problems: Problem[] = [];
  if (url === undefined) return { problems };
  if (!/^https?:\/\/[^\s/]+\/?$/.test(url))
    problems.push({ source: "", path: `--${which}-url`, message: `must be a URL like http://127.0.0.1:9200, got ${JSON.stringify(url)}` });
  if (flavor !== undefined && !FLAVORS.includes(flavor))
    problems.push({ source: "", path: `--${which}-flavor`, message: `must be elasticsearch or opensearch, got ${JSON.stringify(flavor)}` });
  const prefix = which === "search" ? "VAMP_SEARCH" : "VAMP_EVENTS";
  return {
    target: {
      url,
      ...(flavor ? { flavor: flavor as SearchFlavor } : {}),
      ...(env[`${prefix}_USERNAME`] ? { username: env[`${prefix}_USERNAME`], password: env[`${prefix}_PASSWORD`] ?? "" } : {}),
      ...(env[`${prefix}_API_KEY`] ? { apiKey: env[`${prefix}_API_KEY`] } : {}),
    },
    problems,
  };
}
