import { toHaproxyCondition, MAX_TERMS } from "./acl";
import { printCondition } from "./ast";
import { parseCondition } from "./parse";

describe("parseCondition", () => {
  it.each([
    ["user-agent = Firefox", "user-agent == Firefox"],
    ["User-Agent IS Chrome", "user-agent == Chrome"],
    ["host == shop.example.com", "host == shop.example.com"],
    ["has cookie beta", "has cookie beta"],
    ["misses header X-Debug", "misses header X-Debug"],
    ["cookie group has beta", "cookie group == beta"],
    ["header X-Canary contains 'yes please'", 'header X-Canary == "yes please"'],
    ["user-agent != Firefox", "user-agent != Firefox"],
    ["user-agent not Firefox", "user-agent != Firefox"],
    ["not has cookie a", "!has cookie a"],
    ["a_raw <req.hdr(x) -m beg foo>".replace("a_raw ", ""), "<req.hdr(x) -m beg foo>"],
    ["has cookie a and (has cookie b or has cookie c)", "has cookie a && (has cookie b || has cookie c)"],
    ["has cookie a & has cookie b | has cookie c", "has cookie a && has cookie b || has cookie c"],
    ["!(has cookie a || has cookie b)", "!(has cookie a || has cookie b)"],
    ['header X-Api == "and"', 'header X-Api == "and"'],
  ])("%s → %s (and round-trips)", (text, canonical) => {
    const { ast, errors } = parseCondition(text);
    expect(errors).toEqual([]);
    expect(printCondition(ast!)).toBe(canonical);
    expect(printCondition(parseCondition(canonical).ast!)).toBe(canonical);
  });

  it.each([
    ["", 0, /empty/],
    ["user-agent = = Firefox", 13, /expected a value/],
    ["useragent = Firefox", 0, /unknown subject "useragent" \(did you mean "user-agent"\?\)/],
    ["has cake beta", 4, /followed by "cookie" or "header"/],
    ["user-agent Firefox", 11, /expected a comparison/],
    ["(has cookie a", 13, /expected "\)"/],
    ["has cookie a has cookie b", 13, /after a complete condition/],
    ["<req.hdr(x)", 0, /never closed/],
    ["header 'X Y' has 1", 7, /may only hold/],
    ["host = 'it''s'", 11, /after a complete condition/],
  ])("rejects %j at offset %d with a reason (never a silent raw ACL)", (text, offset, message) => {
    const { ast, errors } = parseCondition(text);
    expect(ast).toBeUndefined();
    expect(errors[0].offset).toBe(offset);
    expect(errors[0].message).toMatch(message);
  });
});

describe("toHaproxyCondition", () => {
  const acl = (text: string) => toHaproxyCondition(parseCondition(text).ast!);

  it("renders every form of the spec table", () => {
    expect(acl("user-agent = Firefox").acls.map((a) => a.criterion)).toEqual(["req.fhdr(User-Agent) -m sub 'Firefox'"]);
    expect(acl("user-agent = Safari").acls.map((a) => a.criterion)).toEqual(["req.fhdr(User-Agent) -m sub 'Safari'", "req.fhdr(User-Agent) -m sub 'Version'"]);
    expect(acl("host = Shop.Example.com").acls[0].criterion).toBe("req.hdr(host),field(1,:) -i 'Shop.Example.com'");
    expect(acl("has cookie c").acls[0].criterion).toBe("req.cook(c) -m found");
    expect(acl("has header h").acls[0].criterion).toBe("req.hdr_cnt(h) gt 0");
    expect(acl("cookie c has v").acls[0].criterion).toBe("req.cook(c) -m sub 'v'");
    expect(acl("header h has v").acls[0].criterion).toBe("req.fhdr(h) -m sub 'v'");
    expect(acl("<req.hdr(x) -m beg foo>").acls[0].criterion).toBe("req.hdr(x) -m beg foo");
  });

  it("negative forms negate the ACL", () => {
    const c = acl("misses cookie c");
    expect(c.expression).toBe(`!${c.acls[0].name}`);
  });

  it("brings and/or/not into an OR of ANDs (HAProxy has no parentheses)", () => {
    const c = acl("has cookie a and not (has cookie b or has cookie c)");
    const [a, b, cc] = c.acls.map((x) => x.name);
    expect(c.expression).toBe(`${a} !${b} !${cc}`);
    const d = acl("(has cookie a or has cookie b) and has cookie c");
    const n = Object.fromEntries(d.acls.map((x) => [x.criterion.slice(9, 10), x.name]));
    expect(d.expression).toBe(`${n.a} ${n.c} || ${n.b} ${n.c}`);
  });

  it("negating Safari's two substrings follows De Morgan", () => {
    const c = acl("user-agent != Safari");
    expect(c.expression.split(" || ")).toHaveLength(2);
  });

  it("names ACLs by their criterion, so equal tests share one", () => {
    const c = acl("has cookie a or (has cookie a and has cookie b)");
    expect(c.acls).toHaveLength(2);
    expect(acl("has cookie a").acls[0].name).toBe(c.acls[0].name);
  });

  it(`refuses conditions that expand past ${MAX_TERMS} alternatives`, () => {
    const big = Array.from({ length: 7 }, (_, i) => `(has cookie a${i} or has cookie b${i})`).join(" and ");
    expect(() => acl(big)).toThrow(/more than 64 alternatives/);
  });
});
