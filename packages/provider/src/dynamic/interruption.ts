/**
 * How a long operation inside `pulumi up` learns that it should stop: the engine's cancellation
 * (the first Ctrl-C or SIGTERM of `pulumi up`), the engine going away (`pulumi up` killed: its
 * plugins outlive it), or a signal to this process.
 *
 * Why the gRPC hook: the engine runs each plugin in its own process group, so a terminal's Ctrl-C
 * never reaches this process; the engine instead sends the provider a `Cancel` call, which the
 * Node.js dynamic provider answers without telling anyone. It waits for our operation to finish.
 * We listen for that call on the provider's own gRPC server. Should the server's internals
 * differ, the other two signs and the release's lease still stop the release.
 */
import * as net from "node:net";

type Listener = () => void;
const listeners = new Set<Listener>();
let hooked = false;

/** Wraps the gRPC server's per-call handler lookup once, to hear the engine's `Cancel`. */
function hookCancel(): void {
  if (hooked) return;
  hooked = true;
  try {
    // The grpc-js instance the dynamic provider's server runs on (the one @pulumi/pulumi loads).
    const grpc = require(require.resolve("@grpc/grpc-js", { paths: [require.resolve("@pulumi/pulumi")] })) as {
      Server: { prototype: Record<string, unknown> };
    };
    const proto = grpc.Server.prototype;
    const original = proto._retrieveHandler;
    if (typeof original !== "function") return;
    proto._retrieveHandler = function (this: unknown, path: string) {
      if (path === "/pulumirpc.ResourceProvider/Cancel") for (const l of listeners) l();
      return (original as (p: string) => unknown).call(this, path);
    };
  } catch {
    // not inside the dynamic provider's process (a unit test): nothing to hook
  }
}

/** Whether something listens at `host:port` (the engine's gRPC address). */
function listening(address: string): Promise<boolean> {
  const [host, port] = address.split(/:(?=\d+$)/);
  return new Promise((resolve) => {
    const s = net.connect({ host, port: Number(port) });
    s.setTimeout(1000);
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("timeout", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

/**
 * An AbortSignal aborted (with the reason) when the engine cancels, the engine goes away, or this
 * process gets SIGINT/SIGTERM/SIGHUP; `done()` stops listening.
 *
 * @example
 * const stop = interruption();
 * try { await driveRelease(rec, { ..., signal: stop.signal }); } finally { stop.done(); }
 */
export function interruption(engineAddress: string | undefined = process.argv[2]): { signal: AbortSignal; done: () => void } {
  const ac = new AbortController();
  const abort = (reason: string) => () => ac.abort(reason);
  hookCancel();
  const onCancel = abort("pulumi up was cancelled");
  listeners.add(onCancel);
  const signals = (["SIGINT", "SIGTERM", "SIGHUP"] as const).map((s) => [s, abort(s)] as const);
  for (const [s, h] of signals) process.on(s, h);
  let misses = 0;
  const timer =
    engineAddress && /:\d+$/.test(engineAddress)
      ? setInterval(() => {
          void listening(engineAddress).then((up) => {
            misses = up ? 0 : misses + 1;
            if (misses >= 2) ac.abort("pulumi up went away");
          });
        }, 500)
      : undefined;
  return {
    signal: ac.signal,
    done: () => {
      listeners.delete(onCancel);
      for (const [s, h] of signals) process.off(s, h);
      if (timer) clearInterval(timer);
    },
  };
}
