import { archiveEvent, routeEvents } from "./changes";
import { eventDocument, eventOfDocument, expandTags, matchesTags } from "./event";

describe("Vamp events", () => {
  it("stores a:b also as a, and matches on every tag asked for", () => {
    expect(expandTags(["gateways:shop", "archive:update"])).toEqual(["archive", "archive:update", "gateways", "gateways:shop"]);
    const e = archiveEvent("gateways", "shop", "update", {}, 1);
    expect(matchesTags(e, ["gateways"])).toBe(true);
    expect(matchesTags(e, ["gateways:shop", "archive:update"])).toBe(true);
    expect(matchesTags(e, ["gateways:cart"])).toBe(false);
  });
  it("round-trips through its search document", () => {
    const e = archiveEvent("deployments", "sava", "create", { a: 1 }, 1_796_077_480_000);
    expect(eventOfDocument(eventDocument(e))).toEqual({ ...e, tags: expandTags(e.tags) });
  });
  it("names each route change between two declarations", () => {
    const before = { routes: { v1: { weight: 100 }, old: { weight: 0 }, c: { condition: "user-agent = Chrome", conditionStrength: 50 } } };
    const after = { routes: { v1: { weight: "90%" }, v2: { weight: 10 }, c: { condition: "user-agent = Chrome", conditionStrength: 100 } } };
    const tags = routeEvents("shop", before, after, 1).map((e) => e.tags);
    expect(tags).toEqual([
      ["gateways:shop", "routes:shop/c", "route:conditionupdated"],
      ["gateways:shop", "routes:shop/v1", "route:weightupdated"],
      ["gateways:shop", "routes:shop/v2", "route:added"],
      ["gateways:shop", "routes:shop/old", "route:removed"],
    ]);
    expect(routeEvents("shop", before, after, 1)[1].value).toEqual({ gateway: "shop", route: "v1", from: 100, to: 90 });
    expect(routeEvents("shop", after, after, 1)).toEqual([]);
    expect(routeEvents("shop", undefined, after, 1).map((e) => e.tags[2])).toEqual(["route:added", "route:added", "route:added"]);
  });
});
