export { jsonLogger, type Logger, type LogEvent } from "./logger";
export { CoalescingLoop, every } from "./loop";
export { retry, backoffDelay, sleep, BackoffState, type Backoff } from "./retry";
export { serveStatus, type StatusSource } from "./http-status";
