import { LoadClient } from "../test/support/traffic";

/** Consecutive answers from one backend that show a split has settled on it. */
const SETTLED = 20;

/**
 * Flips a split between backends "a" and "b" `changes` times under a concurrent client and
 * measures each flip: from the store write to the first answer from the newly weighted backend.
 * `write(weightOfA)` writes the record. A flip is only measured from a settled split (every
 * answer from the other backend): it first writes 100% to "a" and waits for that, and after
 * each flip waits until the new backend answers alone (not counted). Returns the samples (ms)
 * and the client's tally.
 */
export async function measureFlips(url: string, changes: number, write: (weightOfA: number) => Promise<unknown>, label: string) {
  const load = new LoadClient(url, 4, 30 * 60_000);
  let want = "a";
  let since = 0;
  let hit = 0;
  let streak = 0;
  load.onAnswer = (backend, at) => {
    streak = backend === want ? streak + 1 : 0;
    if (backend === want && at >= since && !hit) hit = at;
  };
  const wait = async (cond: () => boolean, what: string) => {
    const t0 = performance.now();
    while (!cond()) {
      if (performance.now() - t0 > 60_000) throw new Error(`${label}: ${what} not within 60 s`);
      await new Promise((r) => setTimeout(r, 1));
    }
  };
  load.start();
  await write(100);
  await wait(() => streak >= SETTLED, "the split settled on a before the first flip");
  const samples: number[] = [];
  for (let i = 0; i < changes; i++) {
    want = want === "a" ? "b" : "a";
    hit = 0;
    streak = 0;
    since = performance.now();
    await write(want === "a" ? 100 : 0);
    await wait(() => hit > 0, `change ${i}`);
    samples.push(hit - since);
    await wait(() => streak >= SETTLED, `change ${i} settled`);
  }
  return { samples, tally: await load.stop() };
}
