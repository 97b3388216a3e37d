/**
 * The bounded on-disk spool between the access log and the search cluster: lines are appended to
 * numbered segment files; the shipper reads from a cursor and commits what the cluster took.
 * While the cluster is away the spool grows up to its bound, then the oldest segment is dropped
 * (counted, so the agent can say how many lines it lost). Survives the agent's restart: the cursor
 * and the segments are files.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface SpoolOptions {
  /** The spool's bound on disk, bytes. */
  maxBytes: number;
  /** A segment is closed at this size (default a sixteenth of the bound, at least 64 KiB). */
  segmentBytes?: number;
}

/** Where the shipper is: a segment and a byte offset in it. */
export interface SpoolPosition {
  segment: number;
  offset: number;
}

/** One spooled line and its stable id (segment and offset: a re-sent line overwrites itself). */
export interface SpooledLine {
  id: string;
  text: string;
}

const NAME = /^(\d{12})\.spool$/;
const segmentName = (n: number) => `${String(n).padStart(12, "0")}.spool`;

export class Spool {
  private readonly segmentBytes: number;
  private segments: number[] = [];
  private sizes = new Map<number, number>();
  private fd: number | undefined;
  private cursor: SpoolPosition;
  private readonly cursorFile: string;

  /**
   * @example
   * const spool = new Spool("/var/lib/vamp-gateway-agent/spool", { maxBytes: 256 * 2 ** 20 });
   */
  constructor(
    readonly dir: string,
    private readonly options: SpoolOptions,
  ) {
    this.segmentBytes = options.segmentBytes ?? Math.max(64 * 1024, Math.floor(options.maxBytes / 16));
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.cursorFile = path.join(dir, "cursor.json");
    for (const n of fs.readdirSync(dir)) {
      const m = NAME.exec(n);
      if (m) this.segments.push(Number(m[1]));
    }
    this.segments.sort((a, b) => a - b);
    for (const s of this.segments) this.sizes.set(s, fs.statSync(this.file(s)).size);
    this.cursor = this.readCursor();
  }

  private file(segment: number): string {
    return path.join(this.dir, segmentName(segment));
  }

  private readCursor(): SpoolPosition {
    try {
      const c = JSON.parse(fs.readFileSync(this.cursorFile, "utf8")) as SpoolPosition;
      if (Number.isInteger(c.segment) && Number.isInteger(c.offset)) return c;
    } catch {
      // none yet, or torn: start at the oldest segment (lines re-sent keep their ids)
    }
    return { segment: this.segments[0] ?? 0, offset: 0 };
  }

  /** Bytes on disk not yet shipped (approximately: whole segments). */
  get bytes(): number {
    let n = 0;
    for (const s of this.segments) n += this.sizes.get(s) ?? 0;
    return n - (this.segments.includes(this.cursor.segment) ? this.cursor.offset : 0);
  }

  /**
   * Appends lines (without newlines); returns how many older lines the bound dropped to make room.
   */
  append(lines: string[]): number {
    if (!lines.length) return 0;
    const text = lines.join("\n") + "\n";
    const active = this.segments[this.segments.length - 1];
    if (this.fd === undefined || active === undefined || (this.sizes.get(active) ?? 0) >= this.segmentBytes) this.roll();
    const seg = this.segments[this.segments.length - 1];
    fs.writeSync(this.fd!, text);
    this.sizes.set(seg, (this.sizes.get(seg) ?? 0) + Buffer.byteLength(text));
    return this.enforceBound();
  }

  private roll(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    const next = (this.segments[this.segments.length - 1] ?? this.cursor.segment - 1) + 1;
    this.fd = fs.openSync(this.file(next), "a", 0o600);
    this.segments.push(next);
    this.sizes.set(next, fs.fstatSync(this.fd).size);
  }

  /** Drops the oldest closed segments while the spool is over its bound; returns the lines dropped. */
  private enforceBound(): number {
    let dropped = 0;
    while (this.segments.length > 1 && this.bytes > this.options.maxBytes) {
      const oldest = this.segments[0];
      const from = oldest === this.cursor.segment ? this.cursor.offset : oldest < this.cursor.segment ? Infinity : 0;
      if (from !== Infinity) dropped += countLines(this.file(oldest), from);
      this.remove(oldest);
      if (this.cursor.segment <= oldest) this.cursor = { segment: this.segments[0], offset: 0 };
    }
    return dropped;
  }

  private remove(segment: number): void {
    fs.rmSync(this.file(segment), { force: true });
    this.segments = this.segments.filter((s) => s !== segment);
    this.sizes.delete(segment);
  }

  /**
   * Up to `maxLines` complete lines from the cursor (and up to about `maxBytes`), with the position
   * after them; the cursor moves only on {@link commit}.
   */
  read(maxLines: number, maxBytes = 8 * 2 ** 20): { lines: SpooledLine[]; next: SpoolPosition } {
    let { segment, offset } = this.cursor;
    // A segment read to its end that is no longer written to is done: go on to the next.
    while (segment < (this.segments[this.segments.length - 1] ?? segment) && offset >= (this.sizes.get(segment) ?? 0)) {
      segment = this.segments.find((s) => s > segment) ?? segment;
      offset = 0;
    }
    const size = this.sizes.get(segment) ?? 0;
    if (offset >= size) return { lines: [], next: { segment, offset } };
    const length = Math.min(size - offset, maxBytes);
    const buf = Buffer.alloc(length);
    const fd = fs.openSync(this.file(segment), "r");
    try {
      fs.readSync(fd, buf, 0, length, offset);
    } finally {
      fs.closeSync(fd);
    }
    const lines: SpooledLine[] = [];
    let at = 0;
    while (lines.length < maxLines) {
      const nl = buf.indexOf(10, at);
      if (nl < 0) break;
      lines.push({ id: `${segment}-${offset + at}`, text: buf.toString("utf8", at, nl) });
      at = nl + 1;
    }
    return { lines, next: { segment, offset: offset + at } };
  }

  /** Marks everything before `p` as shipped; deletes the segments it finished. */
  commit(p: SpoolPosition): void {
    this.cursor = p;
    for (const s of [...this.segments]) if (s < p.segment) this.remove(s);
    fs.writeFileSync(this.cursorFile + ".tmp", JSON.stringify(p));
    fs.renameSync(this.cursorFile + ".tmp", this.cursorFile);
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

function countLines(file: string, from: number): number {
  const buf = fs.readFileSync(file);
  let n = 0;
  for (let i = buf.indexOf(10, from); i >= 0; i = buf.indexOf(10, i + 1)) n++;
  return n;
}
