/** Times as the command lines print them: ISO 8601 in UTC, to the millisecond. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString();
}
