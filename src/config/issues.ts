// Config issues: a place in the config (a path like `steps[3].expr.args[1]`) and a reason in words.
// The Python validator (spark/sheetscale_engine/config/issues.py) formats, sorts and words issues
// exactly like this module: the shared fixtures under test/fixtures/configs prove it.

/** One problem found in a config. `path` is `(root)` for the config itself. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/** A path into the config: property names and array indexes. */
export type PathSegment = string | number;

export const ROOT_PATH = '(root)';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `["steps", 3, "expr"]` → `steps[3].expr`; `[]` → `(root)`. */
export function formatPath(segments: readonly PathSegment[]): string {
  if (segments.length === 0) return ROOT_PATH;
  let out = '';
  for (const seg of segments) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (IDENTIFIER.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** `"<path>: <message>"`, the one way an issue is shown. */
export function formatIssue(issue: ConfigIssue): string {
  return `${issue.path}: ${issue.message}`;
}

/** An issue found while walking the config; sorted by its segments before it is formatted. */
export interface RawIssue {
  segments: PathSegment[];
  message: string;
}

function compareSegments(a: readonly PathSegment[], b: readonly PathSegment[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as PathSegment;
    const y = b[i] as PathSegment;
    if (typeof x === 'number' && typeof y === 'number') {
      if (x !== y) return x < y ? -1 : 1;
    } else if (typeof x === 'number') {
      return -1;
    } else if (typeof y === 'number') {
      return 1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return a.length - b.length;
}

/** Deduplicated, sorted by path (indexes numerically) then message, and formatted. */
export function finishIssues(raw: readonly RawIssue[]): ConfigIssue[] {
  const sorted = [...raw].sort((a, b) => {
    const bySegments = compareSegments(a.segments, b.segments);
    if (bySegments !== 0) return bySegments;
    return a.message === b.message ? 0 : a.message < b.message ? -1 : 1;
  });
  const out: ConfigIssue[] = [];
  let previous = '';
  for (const issue of sorted) {
    const formatted = { path: formatPath(issue.segments), message: issue.message };
    const key = formatIssue(formatted);
    if (key === previous) continue;
    previous = key;
    out.push(formatted);
  }
  return out;
}
