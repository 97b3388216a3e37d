import type { Problem } from "../model/problem";
/** Tokens of the condition language; each carries its offset for error messages. */
export type TokenKind = "lparen" | "rparen" | "and" | "or" | "bang" | "eq" | "neq" | "raw" | "string" | "word" | "end";

export interface Token {
  kind: TokenKind;
  /** The token's text; for strings and raw ACLs, the content without delimiters. */
  text: string;
  offset: number;
}

/** A problem in the text: `offset` is where it starts. */
export type ScanError = Problem;

/** Splits condition text into tokens; words keep `-`, `.`, `/`, `:` (user-agent, X-Canary, shop.example.com). */
export function scan(text: string): { tokens: Token[]; errors: ScanError[] } {
  const tokens: Token[] = [];
  const errors: ScanError[] = [];
  let i = 0;
  const push = (kind: TokenKind, len: number, value = text.slice(i, i + len)) => {
    tokens.push({ kind, text: value, offset: i });
    i += len;
  };
  while (i < text.length) {
    const c = text[i];
    const two = text.slice(i, i + 2);
    if (/\s/.test(c)) i++;
    else if (c === "(") push("lparen", 1);
    else if (c === ")") push("rparen", 1);
    else if (two === "&&") push("and", 2);
    else if (c === "&") push("and", 1);
    else if (two === "||") push("or", 2);
    else if (c === "|") push("or", 1);
    else if (two === "!=") push("neq", 2);
    else if (c === "!") push("bang", 1);
    else if (two === "==") push("eq", 2);
    else if (c === "=") push("eq", 1);
    else if (c === "<") {
      const end = text.indexOf(">", i + 1);
      if (end < 0) {
        errors.push({ source: "", path: "", offset: i, message: `a raw ACL "<" is never closed with ">"` });
        break;
      }
      push("raw", end - i + 1, text.slice(i + 1, end).trim());
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let value = "";
      while (j < text.length && text[j] !== c) {
        if (text[j] === "\\" && j + 1 < text.length) j++;
        value += text[j++];
      }
      if (j >= text.length) {
        errors.push({ source: "", path: "", offset: i, message: `the string opened with ${c} is never closed` });
        break;
      }
      push("string", j - i + 1, value);
    } else {
      const m = /^[^\s()&|!=<>"']+/.exec(text.slice(i));
      if (!m) {
        errors.push({ source: "", path: "", offset: i, message: `unexpected character ${JSON.stringify(c)}` });
        i++;
      } else push("word", m[0].length);
    }
  }
  tokens.push({ kind: "end", text: "", offset: text.length });
  return { tokens, errors };
}
