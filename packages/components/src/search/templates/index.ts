export { SearchLogIndices, type SearchLogIndicesArgs } from "./resource";
export { LOG_STREAMS, indexPrefix, indexTemplate, expiredIndices, dailyIndex, type LogStream, type StreamSpec } from "@vamp-pulumi/provider";
