import { MAX_TERMS } from "./dnf";
import { toHaproxyCondition } from "../render/acl";
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

  describe("negation in the AST", () => {
    const cookie = (name: string, negated = false) => ({ type: "presence", what: "cookie", name, negated });
    const ua = (value: string, negated: boolean) => ({ type: "compare", subject: { kind: "user-agent" }, value, negated });
    const ast = (text: string) => {
      const { ast, errors } = parseCondition(text);
      expect(errors).toEqual([]);
      return ast;
    };

    it.each([
      ["user-agent = Firefox", ua("Firefox", false)],
      ["user-agent is Firefox", ua("Firefox", false)],
      ["user-agent contains Firefox", ua("Firefox", false)],
      ["user-agent != Firefox", ua("Firefox", true)],
      ["user-agent not Firefox", ua("Firefox", true)],
      ["user-agent NOT Firefox", ua("Firefox", true)],
      ["user-agent misses Firefox", ua("Firefox", true)],
      ["cookie group != beta", { type: "compare", subject: { kind: "cookie", name: "group" }, value: "beta", negated: true }],
      ["header X-Canary misses yes", { type: "compare", subject: { kind: "header", name: "X-Canary" }, value: "yes", negated: true }],
      ["host not shop.example.com", { type: "compare", subject: { kind: "host" }, value: "shop.example.com", negated: true }],
      ["has cookie a", cookie("a")],
      ["misses cookie a", cookie("a", true)],
      ["misses header X-Debug", { type: "presence", what: "header", name: "X-Debug", negated: true }],
    ])("a negative comparison or presence test is one negated node: %s", (text, node) => {
      expect(ast(text)).toEqual(node);
    });

    it.each([
      ["not has cookie a", { type: "not", operand: cookie("a") }],
      ["!has cookie a", { type: "not", operand: cookie("a") }],
      ["NOT misses cookie a", { type: "not", operand: cookie("a", true) }],
      ["not user-agent != Firefox", { type: "not", operand: ua("Firefox", true) }],
      ["not not has cookie a", { type: "not", operand: { type: "not", operand: cookie("a") } }],
      ["! ! has cookie a", { type: "not", operand: { type: "not", operand: cookie("a") } }],
      // "not" binds tighter than and/or; parentheses put an and/or under it.
      ["not has cookie a and has cookie b", { type: "and", left: { type: "not", operand: cookie("a") }, right: cookie("b") }],
      ["has cookie a or not has cookie b", { type: "or", left: cookie("a"), right: { type: "not", operand: cookie("b") } }],
      ["not (has cookie a and has cookie b)", { type: "not", operand: { type: "and", left: cookie("a"), right: cookie("b") } }],
      ["!(has cookie a || has cookie b)", { type: "not", operand: { type: "or", left: cookie("a"), right: cookie("b") } }],
    ])("a prefix not / ! is a not node over its operand: %s", (text, node) => {
      expect(ast(text)).toEqual(node);
    });
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

  /** The expression with each ACL name replaced by [its criterion]: `![req.cook(a) -m found] || ...`. */
  const readable = (text: string) => {
    const c = acl(text);
    const byName = new Map(c.acls.map((a) => [a.name, a.criterion]));
    expect(byName.size).toBe(c.acls.length);
    return c.expression
      .split(" ")
      .map((token) => {
        if (token === "||") return token;
        const name = token.replace(/^!/, "");
        expect(name).toMatch(/^c_[0-9a-f]{8}$/);
        expect(byName.has(name)).toBe(true);
        return `${token.startsWith("!") ? "!" : ""}[${byName.get(name)}]`;
      })
      .join(" ");
  };
  const A = "[req.cook(a) -m found]";
  const B = "[req.cook(b) -m found]";
  const C = "[req.cook(c) -m found]";

  it.each([
    ["misses cookie c", "has cookie c"],
    ["misses header h", "has header h"],
    ["not has cookie c", "has cookie c"],
    ["!has header h", "has header h"],
    ["host != shop.example.com", "host = shop.example.com"],
    ["cookie c not v", "cookie c has v"],
    ["header h misses v", "header h contains v"],
    ["user-agent not Firefox", "user-agent is Firefox"],
    ["!<req.hdr(x) -m beg foo>", "<req.hdr(x) -m beg foo>"],
  ])("negative form %j is `!` on the ACL of %j", (negative, positive) => {
    const n = acl(negative);
    const p = acl(positive);
    expect(p.acls).toHaveLength(1);
    expect(p.expression).toBe(p.acls[0].name);
    expect(n.acls).toEqual(p.acls);
    expect(n.expression).toBe(`!${p.acls[0].name}`);
  });

  it("a double negation is the ACL itself", () => {
    expect(readable("not not has cookie a")).toBe(A);
    expect(readable("not misses cookie a")).toBe(A);
    expect(readable("!(user-agent != Firefox)")).toBe("[req.fhdr(User-Agent) -m sub 'Firefox']");
  });

  it("negates and/or by De Morgan", () => {
    expect(readable("not (has cookie a and has cookie b)")).toBe(`!${A} || !${B}`);
    expect(readable("not (has cookie a or has cookie b)")).toBe(`!${A} !${B}`);
    expect(readable("!(has cookie a && misses cookie b)")).toBe(`!${A} || ${B}`);
    expect(readable("!(misses cookie a || has cookie b)")).toBe(`${A} !${B}`);
    expect(readable("not (has cookie a or (has cookie b and has cookie c))")).toBe(`!${A} !${B} || !${A} !${C}`);
    expect(readable("not (has cookie a and (has cookie b or not has cookie c))")).toBe(`!${A} || !${B} ${C}`);
    expect(readable("not has cookie a and has cookie b")).toBe(`!${A} ${B}`);
    expect(readable("not has cookie a or has cookie b")).toBe(`!${A} || ${B}`);
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
    const safari = "[req.fhdr(User-Agent) -m sub 'Safari']";
    const version = "[req.fhdr(User-Agent) -m sub 'Version']";
    expect(readable("user-agent = Safari")).toBe(`${safari} ${version}`);
    expect(readable("user-agent != Safari")).toBe(`!${safari} || !${version}`);
    expect(readable("not user-agent = Safari")).toBe(`!${safari} || !${version}`);
    expect(readable("not user-agent != Safari")).toBe(`${safari} ${version}`);
    expect(readable("user-agent != Safari and has cookie a")).toBe(`!${safari} ${A} || !${version} ${A}`);
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
