import type { Gateway } from "../model/gateway";
import { encodeRecord } from "../record/codec";
import { gatewayKey } from "../record/keys";
import type { GatewaySpec } from "../model/spec";
import type { KvEntry } from "../store/types";
import { GatewayCompiler, type Compiled } from "./compile";
import { defaultEngine } from "./default-engine";

const tenant = { organization: "acme", environment: "prod" };
const engine = defaultEngine({ bind: "127.0.0.1" });
const entry = (name: string, spec: GatewaySpec, revision: string): KvEntry => ({
  key: gatewayKey(tenant, name),
  value: encodeRecord({ apiVersion: "vamp.io/v2", kind: "Gateway", name, spec }),
  revision,
});
const split = (port: number, w: number): GatewaySpec => ({ port, routes: { "[10.0.0.1:80]": { weight: w }, "[10.0.0.2:80]": { weight: 100 - w } } });
/** 7 clauses of two alternatives each: 128 terms in HAProxy's OR of ANDs, past the limit of 64. */
const HUGE = Array.from({ length: 7 }, (_, i) => `(has cookie a${i} or has cookie b${i})`).join(" and ");
const names = (list: Compiled<Gateway>[]) => list.map((g) => `${g.name}@${g.revision}`).sort();
const weightOf = (list: Compiled<Gateway>[], name: string) => list.find((g) => g.name === name)?.gateway.routes[0].weight;

/** One sync: compile, render, and (when it rendered) confirm, as the agent does. */
function sync(c: GatewayCompiler<Gateway>, entries: KvEntry[]) {
  let list = c.compile(entries);
  const paths = { statsSocket: "/tmp/s", serverStateFile: "/tmp/st", instance: "t" };
  let rendered = engine.render(
    list.map((g) => g.gateway),
    paths,
  );
  if (rendered.failures.length) {
    list = c.withoutProblems(list, rendered.failures);
    rendered = engine.render(
      list.map((g) => g.gateway),
      paths,
    );
  }
  c.confirm(list, new Set(entries.map((e) => decodeURIComponent(e.key.split("/").pop()!))));
  return { list, rendered };
}

describe("GatewayCompiler", () => {
  it("serves each valid record and refuses an invalid one without holding back the others", () => {
    const c = new GatewayCompiler(engine, tenant);
    const { list } = sync(c, [entry("a", split(9001, 90), "1"), entry("b", { port: 9002, routes: { "[10.0.0.3:80]": { weight: 150 } } }, "2")]);
    expect(names(list)).toEqual(["a@1"]);
    expect(c.rejected().b).toMatchObject({ revision: "2", serving: undefined });
    expect(c.rejected().b.errors.join()).toMatch(/routes\["\[10.0.0.3:80\]"\]\.weight: must be between 0% and 100%, got 150/);
  });

  it("keeps a gateway's last good version when its record turns bad, and applies the others' changes", () => {
    const c = new GatewayCompiler(engine, tenant);
    sync(c, [entry("a", split(9001, 90), "1"), entry("b", split(9002, 90), "1")]);
    const poisoned = { port: 9002, routes: { "[10.0.0.3:80]": { weight: 100, condition: HUGE } } };
    const { list } = sync(c, [entry("a", split(9001, 50), "2"), entry("b", poisoned, "2")]);
    expect(names(list)).toEqual(["a@2", "b@1"]);
    expect(weightOf(list, "a")).toBe(50);
    expect(c.rejected().b).toMatchObject({ revision: "2", serving: "1" });
    expect(c.rejected().b.errors.join()).toMatch(/condition: .* expands to more than 64 alternatives/);
  });

  it("reports a rejection once per revision, and again for a new bad revision", () => {
    const c = new GatewayCompiler(engine, tenant);
    const bad = (rev: string) => entry("b", { port: "x", routes: {} }, rev);
    sync(c, [bad("1")]);
    expect(c.takeNewRejections().map(([n, r]) => `${n}@${r.revision}`)).toEqual(["b@1"]);
    sync(c, [bad("1")]);
    expect(c.takeNewRejections()).toEqual([]);
    expect(Object.keys(c.rejected())).toEqual(["b"]);
    sync(c, [bad("2")]);
    expect(c.takeNewRejections().map(([n, r]) => `${n}@${r.revision}`)).toEqual(["b@2"]);
  });

  it("makes the changed gateway yield when two gateways want one port", () => {
    const c = new GatewayCompiler(engine, tenant);
    sync(c, [entry("a", split(9001, 90), "1"), entry("b", split(9002, 90), "1")]);
    // b moves onto a's port: b keeps its served version, a is untouched.
    const { list } = sync(c, [entry("a", split(9001, 90), "1"), entry("b", split(9001, 80), "2")]);
    expect(names(list)).toEqual(["a@1", "b@1"]);
    expect(c.rejected().b.errors.join()).toMatch(/port 9001 is already taken by gateway "a"/);
  });

  it("drops a gateway that is neither valid nor has a last good version, and forgets deleted ones", () => {
    const c = new GatewayCompiler(engine, tenant);
    sync(c, [entry("a", split(9001, 90), "1")]);
    expect(names(sync(c, [entry("b", split(9002, 90), "1")]).list)).toEqual(["b@1"]);
    // a was deleted from the store: a later bad record of the same name has nothing to fall back on.
    const { list } = sync(c, [entry("a", { port: "x", routes: {} }, "3"), entry("b", split(9002, 90), "1")]);
    expect(names(list)).toEqual(["b@1"]);
    expect(c.rejected().a.serving).toBeUndefined();
  });

  it("refuses a record that is not a gateway record, naming its key", () => {
    const c = new GatewayCompiler(engine, tenant);
    const { list } = sync(c, [{ key: gatewayKey(tenant, "junk"), value: "{not json", revision: "1" }, entry("a", split(9001, 90), "1")]);
    expect(names(list)).toEqual(["a@1"]);
    expect(c.rejected().junk.errors[0]).toMatch(/\/vamp\/acme\/prod\/gateways\/junk: not JSON/);
  });
});

describe("a gateway the renderer cannot handle", () => {
  // An engine whose renderer fails on one gateway's version: validation cannot catch every such case.
  const fragile = {
    ...engine,
    render(gateways: Gateway[], paths: Parameters<typeof engine.render>[1]) {
      const bad = gateways.filter((g) => g.routes[0]?.weight === 77);
      const r = engine.render(
        gateways.filter((g) => !bad.includes(g)),
        paths,
      );
      return { ...r, failures: [...r.failures, ...bad.map((g) => ({ gateway: g.name, message: "cannot be rendered: boom" }))] };
    },
  };

  it("yields to its last good version while the others apply", () => {
    const c = new GatewayCompiler(fragile, tenant);
    sync(c, [entry("a", split(9001, 90), "1"), entry("b", split(9002, 90), "1")]);
    let list = c.compile([entry("a", split(9001, 60), "2"), entry("b", split(9002, 77), "2")]);
    const rendered = fragile.render(
      list.map((g) => g.gateway),
      { statsSocket: "s", serverStateFile: "f", instance: "i" },
    );
    list = c.withoutProblems(list, rendered.failures);
    expect(names(list)).toEqual(["a@2", "b@1"]);
    expect(weightOf(list, "b")).toBe(90);
    expect(c.rejected().b).toEqual({ revision: "2", errors: ["cannot be rendered: boom"], serving: "1" });
    const again = fragile.render(
      list.map((g) => g.gateway),
      { statsSocket: "s", serverStateFile: "f", instance: "i" },
    );
    expect(again.failures).toEqual([]);
    expect(again.text).toMatch(/weight 60/);
  });
});
