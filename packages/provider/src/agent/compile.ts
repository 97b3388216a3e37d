/**
 * Which version of each gateway the agent should serve (no I/O): the record in the store when
 * it is valid and renders, else the last version that did ("last good"), else none. One
 * gateway's problem never holds back another's change.
 */
import { decodeRecord } from "../record/codec";
import { gatewayNameOf } from "../record/keys";
import { messageOf } from "../model/problem";
import type { Tenant } from "../model/tenant";
import type { KvEntry } from "../store/types";
import type { GatewayEngine, GatewayProblem } from "./engine";

/** One gateway as the agent serves it. */
export interface Compiled<G> {
  name: string;
  /** The store revision of the record this version came from. */
  revision: string;
  gateway: G;
}

/** A gateway whose record in the store is not served, and why. */
export interface Rejection {
  /** The store revision that was refused. */
  revision: string;
  errors: string[];
  /** The revision served instead (its last good version), or undefined: not served at all. */
  serving?: string;
}

export class GatewayCompiler<G> {
  /** The versions that rendered and were applied. */
  private readonly lastGood = new Map<string, Compiled<G>>();
  private rejections = new Map<string, Rejection>();
  /** Newly rejected since the last call of {@link takeNewRejections}, for logging once per revision. */
  private fresh: [string, Rejection][] = [];

  constructor(
    private readonly engine: GatewayEngine<G>,
    private readonly tenant: Tenant,
  ) {}

  /** The gateways to render from the store's entries: valid ones, else last good; set conflicts resolved. */
  compile(entries: KvEntry[]): Compiled<G>[] {
    const previous = this.rejections;
    this.rejections = new Map();
    const out: Compiled<G>[] = [];
    for (const e of entries) {
      const name = gatewayNameOf(this.tenant, e.key);
      if (!name) continue;
      const good = this.lastGood.get(name);
      if (good?.revision === e.revision) out.push(good);
      else {
        const c = this.compileOne(name, e, previous.get(name));
        if (c) out.push(c);
      }
    }
    return this.yieldConflicts(out);
  }

  private compileOne(name: string, e: KvEntry, known: Rejection | undefined): Compiled<G> | undefined {
    if (known?.revision === e.revision) return this.reject(name, e.revision, known.errors, false);
    let errors: string[];
    try {
      const res = this.engine.compile(decodeRecord(e.key, e.value));
      if (!res.errors.length && res.gateway !== undefined) return { name, revision: e.revision, gateway: res.gateway };
      errors = res.errors;
    } catch (err) {
      errors = [messageOf(err)];
    }
    return this.reject(name, e.revision, errors, true);
  }

  /** Records the rejection; returns the last good version to serve instead, if any. */
  private reject(name: string, revision: string, errors: string[], isNew: boolean): Compiled<G> | undefined {
    const good = this.lastGood.get(name);
    const serving = good && good.revision !== revision ? good : undefined;
    const r: Rejection = { revision, errors, serving: serving?.revision };
    this.rejections.set(name, r);
    if (isNew) this.fresh.push([name, r]);
    return serving;
  }

  /** Conflicts between gateways (a port taken twice): the changed gateway yields to the one already served. */
  private yieldConflicts(list: Compiled<G>[]): Compiled<G>[] {
    // Served versions first: a set check blames the later of two gateways that collide.
    const served = (g: Compiled<G>) => (this.lastGood.get(g.name) === g ? 0 : 1);
    const ordered = [...list].sort((a, b) => served(a) - served(b));
    return this.withoutProblems(ordered, this.engine.checkSet(ordered.map((g) => g.gateway)));
  }

  /**
   * The list with each gateway named in `problems` replaced by its last good version (or
   * dropped); used after checking the set and after rendering it.
   */
  withoutProblems(list: Compiled<G>[], problems: GatewayProblem[]): Compiled<G>[] {
    const byName = new Map<string, string[]>();
    for (const p of problems) byName.set(p.gateway, [...(byName.get(p.gateway) ?? []), p.message]);
    return list.flatMap((g) => {
      const errors = byName.get(g.name);
      if (!errors) return [g];
      const known = this.rejections.get(g.name);
      const fallback = this.reject(g.name, g.revision, errors, known?.revision !== g.revision || known.errors.join() !== errors.join());
      return fallback ? [fallback] : [];
    });
  }

  /**
   * A changed record of a gateway that is served and not rejected, compiled on its own: the
   * new version and the one served, or undefined when it does not compile (or the gateway is
   * new or rejected), so the whole set is compiled instead. Records nothing.
   */
  compileChange(e: KvEntry): { previous: Compiled<G>; next: Compiled<G> } | undefined {
    const name = gatewayNameOf(this.tenant, e.key);
    const previous = name === undefined ? undefined : this.lastGood.get(name);
    if (!name || !previous || this.rejections.has(name)) return undefined;
    try {
      const res = this.engine.compile(decodeRecord(e.key, e.value));
      return !res.errors.length && res.gateway !== undefined ? { previous, next: { name, revision: e.revision, gateway: res.gateway } } : undefined;
    } catch {
      return undefined;
    }
  }

  /** What HAProxy now runs: these become the last good versions; with `inStore`, gateways not in it are forgotten. */
  confirm(applied: Compiled<G>[], inStore?: Set<string>): void {
    for (const g of applied) this.lastGood.set(g.name, g);
    if (inStore) for (const name of [...this.lastGood.keys()]) if (!inStore.has(name)) this.lastGood.delete(name);
  }

  rejected(): Record<string, Rejection> {
    return Object.fromEntries(this.rejections);
  }

  takeNewRejections(): [string, Rejection][] {
    const f = this.fresh;
    this.fresh = [];
    return f;
  }
}
