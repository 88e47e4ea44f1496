/** "Did you mean" for a mistyped name: the closest valid name within a small edit distance. */

/** Levenshtein distance between `a` and `b` (insertions, deletions, substitutions). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length]!;
}

/** The valid name closest to `value` (case-insensitive; at most a third of its letters off, at least one), or undefined. */
export function closestName(value: string, valid: readonly string[]): string | undefined {
  const v = value.toLowerCase();
  const limit = Math.max(1, Math.floor(v.length / 3));
  let best: { name: string; d: number } | undefined;
  for (const name of valid) {
    const d = editDistance(v, name.toLowerCase());
    if (d <= limit && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}

/** `. Did you mean "cuda"?` for `["cudaa"]` (one guess per value that has one), or "" when nothing is close: appended to an "Expected one of: …" list. */
export function didYouMean(values: string | readonly string[], valid: readonly string[]): string {
  const guesses = (typeof values === "string" ? [values] : values).map((v) => closestName(v, valid)).filter((n) => n !== undefined);
  return guesses.length > 0 ? `. Did you mean ${guesses.map((n) => `"${n}"`).join(", ")}?` : "";
}
