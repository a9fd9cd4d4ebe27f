// Limits checked before the schema: size and expression shape. They run first because a config
// over them is not worth (and, for deep trees, not safe) validating further.
// Mirrored by spark/sheetscale_engine/config/limit_issues.py.
import type { Limits } from './limits';
import type { PathSegment, RawIssue } from './issues';
import { isJsonObject } from './schema';

/** UTF-8 bytes of the config: its text when given text, else its JSON serialization. */
export function configBytes(config: unknown, text?: string): number {
  return new TextEncoder().encode(text ?? JSON.stringify(config) ?? '').length;
}

/** Where expressions sit in a step: `expr`, `key`, `ifNotFound`, `criteria[i].criterion`. */
function expressionRoots(config: unknown): { segments: PathSegment[]; node: unknown }[] {
  const roots: { segments: PathSegment[]; node: unknown }[] = [];
  const steps = isJsonObject(config) ? config.steps : undefined;
  if (!Array.isArray(steps)) return roots;
  steps.forEach((step, i) => {
    if (!isJsonObject(step)) return;
    for (const key of ['expr', 'key', 'ifNotFound']) {
      if (key in step) roots.push({ segments: ['steps', i, key], node: step[key] });
    }
    const criteria = step.criteria;
    if (Array.isArray(criteria)) {
      criteria.forEach((c, j) => {
        if (isJsonObject(c) && 'criterion' in c) roots.push({ segments: ['steps', i, 'criteria', j, 'criterion'], node: c.criterion });
      });
    }
  });
  return roots;
}

/** Depth (a single node is 1 deep) and node count of an expression tree, without recursion. */
export function expressionShape(root: unknown): { depth: number; nodes: number } {
  let depth = 0;
  let nodes = 0;
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, level] = stack.pop() as [unknown, number];
    nodes += 1;
    depth = Math.max(depth, level);
    if (!isJsonObject(node)) continue;
    const children: unknown[] = [];
    for (const key of ['arg', 'left', 'right']) if (key in node) children.push(node[key]);
    if (Array.isArray(node.args)) children.push(...node.args);
    for (const child of children) stack.push([child, level + 1]);
  }
  return { depth, nodes };
}

export function sizeIssues(bytes: number, limits: Limits): RawIssue[] {
  if (bytes <= limits.maxConfigBytes) return [];
  return [{ segments: [], message: `config is ${bytes} bytes; the limit is ${limits.maxConfigBytes} bytes` }];
}

export function expressionLimitIssues(config: unknown, limits: Limits): RawIssue[] {
  const issues: RawIssue[] = [];
  for (const { segments, node } of expressionRoots(config)) {
    const { depth, nodes } = expressionShape(node);
    if (depth > limits.maxExpressionDepth) {
      issues.push({ segments, message: `expression is nested ${depth} levels deep; the limit is ${limits.maxExpressionDepth}` });
    }
    if (nodes > limits.maxExpressionNodes) {
      issues.push({ segments, message: `expression has ${nodes} nodes; the limit is ${limits.maxExpressionNodes}` });
    }
  }
  return issues;
}
