// How values and suggestions are worded in config messages. Mirrored word for word by
// spark/sheetscale_engine/config/words.py.

/** A JSON value as a message shows it: strings quoted (long ones cut), numbers as JavaScript prints them. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string': {
      const chars = Array.from(value);
      return JSON.stringify(chars.length > 40 ? `${chars.slice(0, 40).join('')}...` : value);
    }
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return String(value);
  }
}

/** Levenshtein distance over Unicode code points. */
export function editDistance(a: string, b: string): number {
  const s = Array.from(a);
  const t = Array.from(b);
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      cur.push(Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost));
    }
    prev = cur;
  }
  return prev[t.length] as number;
}

/**
 * The candidate closest to `name` (case-insensitively), if it is close enough to be a likely typo:
 * at most one edit per three characters (at least one). Ties go to the earlier candidate.
 */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const target = name.toLowerCase();
  const allowed = Math.max(1, Math.floor((Array.from(name).length + 2) / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const d = editDistance(target, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= allowed ? best : undefined;
}

/** ` (did you mean "x"?)` or nothing. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const guess = closest(name, candidates);
  return guess === undefined ? '' : ` (did you mean ${JSON.stringify(guess)}?)`;
}

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
