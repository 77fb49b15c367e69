/**
 * "Did you mean …?": the known names closest to a mistyped one, by edit distance, ignoring case. Names
 * can be many (a run's labels) and long (URLs): each is compared on its first MAX_CHARS characters only.
 */
const MAX_CHARS = 100;

/**
 * Levenshtein distance (insertions, deletions, substitutions), or `limit + 1` as soon as it must exceed
 * `limit`: only the cells within `limit` of the diagonal can stay within it, one row at a time.
 */
export function editDistance(a: string, b: string, limit = Math.max(a.length, b.length)): number {
  const over = limit + 1;
  if (Math.abs(a.length - b.length) > limit) return over;
  // Plain arrays and comparisons: typed arrays and Math.min are many times slower in some VMs (jest's).
  let prev: number[] = [];
  for (let j = 0; j <= b.length; j++) prev.push(j <= limit ? j : over);
  let row: number[] = new Array<number>(b.length + 1).fill(over);
  for (let i = 1; i <= a.length; i++) {
    row.fill(over);
    row[0] = i <= limit ? i : over;
    let best = row[0];
    for (let j = Math.max(1, i - limit), to = Math.min(b.length, i + limit); j <= to; j++) {
      const del = prev[j]! + 1;
      const ins = row[j - 1]! + 1;
      const sub = prev[j - 1]! + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1);
      let d = del < ins ? del : ins;
      if (sub < d) d = sub;
      if (d > over) d = over;
      row[j] = d;
      if (d < best) best = d;
    }
    if (best > limit) return over;
    [prev, row] = [row, prev];
  }
  return prev[b.length]!;
}

/**
 * Up to `max` names closest to `wanted` (case-insensitive), nearest first; only those close enough to be
 * a slip (at most a third of the longer name's characters differ, or 2), so an unrelated name is never
 * offered. Ties keep the order of `names`.
 */
export function closestNames(wanted: string, names: Iterable<string>, max = 3): string[] {
  const w = wanted.toLowerCase().slice(0, MAX_CHARS);
  const scored: { name: string; d: number }[] = [];
  for (const name of names) {
    const n = name.toLowerCase().slice(0, MAX_CHARS);
    const limit = Math.max(2, Math.floor(Math.max(w.length, n.length) / 3));
    const d = editDistance(w, n, limit);
    if (d <= limit) scored.push({ name, d });
  }
  return scored
    .sort((a, b) => a.d - b.d)
    .slice(0, max)
    .map((s) => s.name);
}
