/**
 * Value references in environment variables and constants: `$db.host`, `$db.ports.port`,
 * `$db.environment_variables.X`, `$db.constants.X`, the same in braces (`${db.host}`), and `$$`
 * for a literal `$`. A breed's references name its dependencies (by alias); a blueprint's name
 * its clusters. They are resolved at deploy time (`deployment/`); here they are parsed.
 */

export type ValueReference = { target: string; field: "host" } | { target: string; field: "ports" | "environment_variables" | "constants"; name: string };

/** A value split into literal text and references, or the reason it cannot be. */
export type ParsedValue = { ok: true; parts: (string | ValueReference)[] } | { ok: false; reason: string };

const PLAIN = /^\$([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)/;
const BRACED = /^\$\{([^}]*)\}/;

function reference(path: string, text: string): ValueReference | string {
  const [target, field, name, ...rest] = path.split(".");
  if (field === "host" && name === undefined) return { target, field };
  if ((field === "ports" || field === "environment_variables" || field === "constants") && name && !rest.length) return { target, field, name };
  return `"${text}" is not a reference Vamp knows: use $name.host, $name.ports.<port>, $name.environment_variables.<X> or $name.constants.<X> ($$ for a literal $)`;
}

/** Splits `"http://$db.host:$db.ports.port/"` into text and references. */
export function parseValue(value: string): ParsedValue {
  const parts: (string | ValueReference)[] = [];
  let text = "";
  for (let i = 0; i < value.length;) {
    if (value[i] !== "$") {
      text += value[i++];
      continue;
    }
    if (value[i + 1] === "$") {
      text += "$";
      i += 2;
      continue;
    }
    const rest = value.slice(i);
    const m = BRACED.exec(rest) ?? PLAIN.exec(rest);
    if (!m) return { ok: false, reason: `a '$' at offset ${i} starts no reference (write $$ for a literal $)` };
    const r = reference(m[1].trim(), m[0]);
    if (typeof r === "string") return { ok: false, reason: r };
    if (text) parts.push(text);
    text = "";
    parts.push(r);
    i += m[0].length;
  }
  if (text) parts.push(text);
  return { ok: true, parts };
}

/** The references of a value (none when it cannot be parsed). */
export function referencesOf(value: string): ValueReference[] {
  const p = parseValue(value);
  return p.ok ? p.parts.filter((x): x is ValueReference => typeof x !== "string") : [];
}

/** How a reference reads in messages: `$db.ports.port`. */
export function referenceText(r: ValueReference): string {
  return r.field === "host" ? `$${r.target}.host` : `$${r.target}.${r.field}.${r.name}`;
}
