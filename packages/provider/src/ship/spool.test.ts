import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Spool } from "./spool";

describe("the on-disk spool", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "spool-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const lines = (from: number, n: number) => Array.from({ length: n }, (_, i) => `line-${from + i}-${"x".repeat(90)}`);

  it("hands lines out in order across segments, moves only on commit, and survives a restart", () => {
    const s = new Spool(dir, { maxBytes: 10 * 2 ** 20, segmentBytes: 2000 });
    for (let i = 0; i < 10; i++) s.append(lines(i * 10, 10));
    const first = s.read(25);
    expect(first.lines.map((l) => l.text.split("-")[1])).toEqual(Array.from({ length: 25 }, (_, i) => String(i)).slice(0, first.lines.length));
    expect(s.read(25).lines[0].id).toBe(first.lines[0].id); // not committed: the same again
    s.commit(first.next);
    s.close();
    const again = new Spool(dir, { maxBytes: 10 * 2 ** 20, segmentBytes: 2000 });
    const got: string[] = [];
    for (let r = again.read(1000); r.lines.length; r = again.read(1000)) {
      got.push(...r.lines.map((l) => l.text.split("-")[1]));
      again.commit(r.next);
    }
    expect(got).toEqual(Array.from({ length: 100 - first.lines.length }, (_, i) => String(first.lines.length + i)));
    expect(again.bytes).toBe(0);
    again.close();
  });
  it("drops the oldest lines at its bound and says how many", () => {
    const s = new Spool(dir, { maxBytes: 5000, segmentBytes: 1000 });
    let dropped = 0;
    for (let i = 0; i < 100; i++) dropped += s.append(lines(i, 1));
    expect(s.bytes).toBeLessThanOrEqual(5000 + 1000);
    const left: string[] = [];
    for (let r = s.read(1000); r.lines.length; r = s.read(1000)) {
      left.push(...r.lines.map((l) => l.text.split("-")[1]));
      s.commit(r.next);
    }
    expect(dropped + left.length).toBe(100);
    expect(dropped).toBeGreaterThan(0);
    expect(left[left.length - 1]).toBe("99"); // the newest are kept
    s.close();
  });
});
