/** `' (did you mean "x"?)'` for a known name within two edits of the unknown one, else `""`. */
export function suggest(name: string, known: readonly string[]): string {
  const k = name.toLowerCase();
  const near = known.find((n) => editDistance(n.toLowerCase(), k) <= 2);
  return near ? ` (did you mean "${near}"?)` : "";
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
