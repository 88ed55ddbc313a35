/** Levenshtein distance between two strings (insert, delete, substitute; each costs 1). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/**
 * The candidate most probably meant by `input`: the closest by edit distance, or one that contains it
 * or is contained by it (`mongo` -> `mongodb`), within a distance that grows with the word's length.
 */
export function closest(input: string, candidates: Iterable<string>): string | undefined {
  const needle = input.toLowerCase();
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const hay = candidate.toLowerCase();
    let score = editDistance(needle, hay);
    if (needle.length >= 3 && (hay.startsWith(needle) || needle.startsWith(hay))) score = Math.min(score, 1);
    if (score < bestScore || (score === bestScore && best !== undefined && candidate < best)) {
      best = candidate;
      bestScore = score;
    }
  }
  const limit = Math.max(1, Math.floor(needle.length / 3));
  return bestScore <= limit ? best : undefined;
}

/** "; did you mean 'x'?" or an empty string. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const guess = closest(input, candidates);
  return guess === undefined ? "" : `; did you mean '${guess}'?`;
}
