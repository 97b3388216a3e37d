import { LoadClient } from "../test/support/traffic";

/**
 * Flips a split between backends "a" and "b" `changes` times under a concurrent client and
 * measures each flip: from the store write to the first answer from the newly weighted backend.
 * `write(weightOfA)` writes the record. Returns the samples (ms) and the client's tally.
 */
export async function measureFlips(url: string, changes: number, write: (weightOfA: number) => Promise<unknown>, label: string) {
  const load = new LoadClient(url, 4, 30 * 60_000);
  let want = "a";
  let since = 0;
  let hit = 0;
  load.onAnswer = (backend, at) => {
    if (backend === want && at >= since && !hit) hit = at;
  };
  load.start();
  await new Promise((r) => setTimeout(r, 300));
  const samples: number[] = [];
  for (let i = 0; i < changes; i++) {
    want = want === "a" ? "b" : "a";
    hit = 0;
    since = performance.now();
    await write(want === "a" ? 100 : 0);
    while (!hit) {
      if (performance.now() - since > 30_000) throw new Error(`${label}: change ${i} not effective within 30 s`);
      await new Promise((r) => setTimeout(r, 1));
    }
    samples.push(hit - since);
  }
  return { samples, tally: await load.stop() };
}
