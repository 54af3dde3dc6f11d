/** Levenshtein edit distance between two strings. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The (up to three) known ids closest to `id`, quoted and joined for an error message. */
export function closestIds(id: string, known: string[], count = 3): string {
  const ranked = [...known].sort((x, y) => editDistance(id, x) - editDistance(id, y) || x.localeCompare(y));
  return ranked.slice(0, count).map((k) => `'${k}'`).join(' or ');
}
