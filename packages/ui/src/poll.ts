import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "./api";

/** What a poll has: the last good value, and the error of the last look (cleared by the next good one). */
export interface Polled<T> {
  value?: T;
  error?: string;
  /** The server's status for the error (503: the store or the agents are away). */
  status?: number;
  loading: boolean;
}

/**
 * Calls `load` now and every `everyMs` after the last call ended (never two at once), again from
 * scratch when `deps` change; keeps the last good value through errors so the page never blanks.
 */
export function usePoll<T>(load: (previous: T | undefined) => Promise<T>, everyMs: number, deps: unknown[]): Polled<T> {
  const [state, setState] = useState<Polled<T>>({ loading: true });
  const last = useRef<T | undefined>(undefined);
  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    last.current = undefined;
    setState({ loading: true });
    const tick = async () => {
      try {
        const value = await load(last.current);
        last.current = value;
        if (!stopped) setState({ value, loading: false });
      } catch (e) {
        if (!stopped) setState((s) => ({ value: s.value, error: (e as Error).message, status: e instanceof ApiError ? e.status : undefined, loading: false }));
      }
      if (!stopped) timer = window.setTimeout(() => void tick(), everyMs);
    };
    void tick();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, deps); // the caller names what restarts it
  return state;
}
