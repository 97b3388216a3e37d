/**
 * A field path as problems write it (`routes["[10.0.0.1:80]"].weight`, `virtual_hosts[0]`) →
 * its segments (`["routes", "[10.0.0.1:80]", "weight"]`, `["virtual_hosts", 0]`).
 */
export function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /\[("(?:[^"\\]|\\.)*")\]|\[(\d+)\]|\.?([^.[\]]+)/g;
  for (let m = re.exec(path); m; m = re.exec(path)) {
    if (m[1] !== undefined) out.push(JSON.parse(m[1]) as string);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(m[3]);
  }
  return out;
}
