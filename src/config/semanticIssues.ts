// Checks JSON Schema cannot express, run on a config the schema accepted: names resolve (sources,
// columns as they exist at each step, functions, pivots), ids are unique, arities fit.
// The table's columns are tracked through the pipeline, so `steps[5]` may use a column made by
// `steps[2]` but not one deleted by `steps[4]`. Mirrored by semantic_issues.py (same messages).
import { getFunction, FUNCTIONS } from './functions';
import { RESERVED_COLUMN_PREFIX, type Limits } from './limits';
import type { PathSegment, RawIssue } from './issues';
import { didYouMean, plural } from './words';
import type { Expr, SheetscaleConfig, Source, Step } from './types.generated';

const q = (s: string): string => JSON.stringify(s);

/** "2 arguments", "no arguments", "1 to 3 arguments". */
function arity(min: number, max: number): string {
  if (min === max) return min === 0 ? 'no arguments' : plural(min, 'argument', 'arguments');
  return `${min} to ${max} arguments`;
}

/** The message when a column would be named with the engine's helper prefix, else undefined. */
function reservedName(name: string): string | undefined {
  if (!name.startsWith(RESERVED_COLUMN_PREFIX)) return undefined;
  return `column name ${q(name)} is reserved (names starting with ${q(RESERVED_COLUMN_PREFIX)} are the engine's helper columns)`;
}

const SINGLE_CRITERION = ['SUMIF', 'COUNTIF', 'AVERAGEIF'];
const COUNTS = ['COUNTIF', 'COUNTIFS'];

class Checker {
  readonly issues: RawIssue[] = [];
  private readonly sources = new Map<string, Source>();
  /** The flowing table's columns, in order; null when the main source is unknown (nothing to check). */
  private columns: string[] | null = null;
  private readonly pivots = new Map<string, number>();
  /** Columns that existed and were removed, with how: the hint for a later reference. */
  private readonly gone = new Map<string, string>();

  constructor(
    private readonly config: SheetscaleConfig,
    private readonly limits: Limits,
  ) {}

  private add(segments: PathSegment[], message: string): void {
    this.issues.push({ segments, message });
  }

  run(): RawIssue[] {
    const { config, limits } = this;
    if (config.steps.length > limits.maxSteps) {
      this.add(['steps'], `has ${config.steps.length} steps; the limit is ${limits.maxSteps}`);
    }
    if (config.sources.length > limits.maxSources) {
      this.add(['sources'], `has ${config.sources.length} sources; the limit is ${limits.maxSources}`);
    }
    this.checkSources();
    const main = this.sources.get(config.main);
    if (main === undefined) {
      this.add(['main'], `unknown source ${q(config.main)}${didYouMean(config.main, this.sources.keys())}`);
    } else {
      this.columns = [];
      for (const c of main.columns) if (!this.columns.includes(c.name)) this.columns.push(c.name);
    }
    const ids = new Map<string, number>();
    config.steps.forEach((step, i) => {
      const first = ids.get(step.id);
      if (first === undefined) ids.set(step.id, i);
      else this.add(['steps', i, 'id'], `duplicate step id ${q(step.id)} (first used by steps[${first}])`);
      this.checkStep(step, ['steps', i]);
    });
    this.checkOutput();
    return this.issues;
  }

  private checkSources(): void {
    this.config.sources.forEach((source, i) => {
      const first = this.config.sources.findIndex((s) => s.name === source.name);
      if (first !== i) {
        this.add(['sources', i, 'name'], `duplicate source name ${q(source.name)} (first used by sources[${first}])`);
      } else {
        this.sources.set(source.name, source);
      }
      if (source.columns.length > this.limits.maxColumnsPerSource) {
        this.add(['sources', i, 'columns'], `has ${source.columns.length} columns; the limit is ${this.limits.maxColumnsPerSource}`);
      }
      source.columns.forEach((column, j) => {
        const reserved = reservedName(column.name);
        if (reserved !== undefined) this.add(['sources', i, 'columns', j, 'name'], reserved);
        const firstColumn = source.columns.findIndex((c) => c.name === column.name);
        if (firstColumn !== j) {
          this.add(
            ['sources', i, 'columns', j, 'name'],
            `duplicate column ${q(column.name)} in source ${q(source.name)} (first at columns[${firstColumn}])`,
          );
        }
      });
    });
  }

  private column(name: string, at: PathSegment[]): void {
    if (this.columns !== null && !this.columns.includes(name)) {
      const how = this.gone.get(name);
      this.add(at, `unknown column ${q(name)}${how === undefined ? didYouMean(name, this.columns) : ` (${how})`}`);
    }
  }

  /** The table's columns become `next`; the ones left behind are remembered with `how`. */
  private replaceColumns(next: string[], how: string): void {
    if (this.columns === null) return;
    for (const c of this.columns) if (!next.includes(c)) this.gone.set(c, how);
    for (const c of next) this.gone.delete(c);
    this.columns = next;
  }

  private newColumn(name: string, at: PathSegment[]): void {
    const reserved = reservedName(name);
    if (reserved !== undefined) this.add(at, reserved);
    if (this.columns === null) return;
    if (this.columns.includes(name)) this.add(at, `column ${q(name)} already exists`);
    else {
      this.columns.push(name);
      this.gone.delete(name);
    }
  }

  private source(name: string, at: PathSegment[]): Source | undefined {
    const source = this.sources.get(name);
    if (source === undefined) this.add(at, `unknown source ${q(name)}${didYouMean(name, this.sources.keys())}`);
    return source;
  }

  private sourceColumn(source: Source | undefined, name: string, at: PathSegment[]): void {
    if (source === undefined) return;
    const names = source.columns.map((c) => c.name);
    if (!names.includes(name)) {
      this.add(at, `unknown column ${q(name)} in source ${q(source.name)}${didYouMean(name, names)}`);
    }
  }

  private expr(expr: Expr, at: PathSegment[]): void {
    switch (expr.kind) {
      case 'column':
        this.column(expr.name, at);
        return;
      case 'unary':
        this.expr(expr.arg, [...at, 'arg']);
        return;
      case 'binary':
        this.expr(expr.left, [...at, 'left']);
        this.expr(expr.right, [...at, 'right']);
        return;
      case 'call': {
        const spec = getFunction(expr.name);
        if (spec === undefined) {
          this.add(at, `unknown function ${q(expr.name)}${didYouMean(expr.name, FUNCTIONS.map((f) => f.name))}`);
        } else if (spec.category === 'table') {
          this.add(at, `${expr.name} cannot appear inside an expression; it is recorded as a ${spec.becomesStep ?? 'separate'} step`);
        } else if (expr.args.length < spec.minArgs || expr.args.length > spec.maxArgs) {
          this.add(at, `${expr.name} takes ${arity(spec.minArgs, spec.maxArgs)}, got ${expr.args.length}`);
        }
        expr.args.forEach((arg, k) => this.expr(arg, [...at, 'args', k]));
        return;
      }
      default:
        return;
    }
  }

  private checkStep(step: Step, at: PathSegment[]): void {
    switch (step.op) {
      case 'formula':
        this.expr(step.expr, [...at, 'expr']);
        this.newColumn(step.column, [...at, 'column']);
        return;
      case 'lookup': {
        this.expr(step.key, [...at, 'key']);
        if (step.ifNotFound !== undefined) this.expr(step.ifNotFound, [...at, 'ifNotFound']);
        const source = this.source(step.source, [...at, 'source']);
        this.sourceColumn(source, step.keyColumn, [...at, 'keyColumn']);
        if (step.returnColumn !== undefined) this.sourceColumn(source, step.returnColumn, [...at, 'returnColumn']);
        else if (step.function !== 'MATCH') {
          this.add(at, `missing required property "returnColumn" (only MATCH may omit it)`);
        }
        this.newColumn(step.column, [...at, 'column']);
        return;
      }
      case 'conditionalAggregate': {
        const source = this.source(step.source, [...at, 'source']);
        step.criteria.forEach((c, j) => {
          this.sourceColumn(source, c.column, [...at, 'criteria', j, 'column']);
          this.expr(c.criterion, [...at, 'criteria', j, 'criterion']);
        });
        if (SINGLE_CRITERION.includes(step.function) && step.criteria.length !== 1) {
          this.add([...at, 'criteria'], `${step.function} takes one criterion, got ${step.criteria.length} (use ${step.function}S for several)`);
        }
        if (step.valueColumn !== undefined) this.sourceColumn(source, step.valueColumn, [...at, 'valueColumn']);
        else if (!COUNTS.includes(step.function)) {
          this.add(at, `missing required property "valueColumn" (only COUNTIF and COUNTIFS may omit it)`);
        }
        this.newColumn(step.column, [...at, 'column']);
        return;
      }
      case 'filter':
        step.conditions.forEach((c, j) => this.column(c.column, [...at, 'conditions', j, 'column']));
        return;
      case 'sort':
        step.keys.forEach((k, j) => this.column(k.column, [...at, 'keys', j, 'column']));
        return;
      case 'removeDuplicates':
        step.columns.forEach((c, j) => this.column(c, [...at, 'columns', j]));
        return;
      case 'pivot': {
        const first = this.pivots.get(step.name);
        const index = at[1] as number;
        if (first === undefined) this.pivots.set(step.name, index);
        else this.add([...at, 'name'], `duplicate pivot name ${q(step.name)} (first used by steps[${first}])`);
        step.rows.forEach((c, j) => this.column(c, [...at, 'rows', j]));
        (step.columns ?? []).forEach((c, j) => this.column(c, [...at, 'columns', j]));
        step.values.forEach((v, j) => this.column(v.column, [...at, 'values', j, 'column']));
        (step.filters ?? []).forEach((f, j) => this.column(f.column, [...at, 'filters', j, 'column']));
        return;
      }
      case 'group': {
        step.by.forEach((c, j) => this.column(c, [...at, 'by', j]));
        step.aggregates.forEach((a, j) => {
          if (a.function !== 'countRows') this.column(a.column, [...at, 'aggregates', j, 'column']);
          const reserved = reservedName(a.as);
          if (reserved !== undefined) this.add([...at, 'aggregates', j, 'as'], reserved);
        });
        if (this.columns === null) return;
        const next: string[] = [];
        for (const c of step.by) if (!next.includes(c)) next.push(c);
        step.aggregates.forEach((a, j) => {
          if (next.includes(a.as)) this.add([...at, 'aggregates', j, 'as'], `column ${q(a.as)} already exists`);
          else next.push(a.as);
        });
        this.replaceColumns(next, `dropped by group step steps[${at[1] as number}]`);
        return;
      }
      case 'selectColumns': {
        const next: string[] = [];
        step.columns.forEach((c, j) => {
          this.column(c, [...at, 'columns', j]);
          if (next.includes(c)) this.add([...at, 'columns', j], `column ${q(c)} is listed twice`);
          else next.push(c);
        });
        if (this.columns !== null) {
          const current = this.columns;
          this.replaceColumns(next.filter((c) => current.includes(c)), `dropped by selectColumns step steps[${at[1] as number}]`);
        }
        return;
      }
      case 'renameColumns':
        step.renames.forEach((r, j) => {
          const reserved = reservedName(r.to);
          if (reserved !== undefined) this.add([...at, 'renames', j, 'to'], reserved);
          const columns = this.columns;
          if (columns === null) return;
          const index = columns.indexOf(r.from);
          if (index < 0) this.column(r.from, [...at, 'renames', j, 'from']);
          else if (r.to !== r.from && columns.includes(r.to)) {
            this.add([...at, 'renames', j, 'to'], `column ${q(r.to)} already exists`);
          } else {
            columns[index] = r.to;
            if (r.to !== r.from) this.gone.set(r.from, `renamed to ${q(r.to)} by steps[${at[1] as number}]`);
            this.gone.delete(r.to);
          }
        });
        return;
      case 'deleteColumns':
        step.columns.forEach((c, j) => {
          this.column(c, [...at, 'columns', j]);
          if (this.columns !== null && this.columns.includes(c)) {
            this.columns = this.columns.filter((x) => x !== c);
            this.gone.set(c, `deleted by steps[${at[1] as number}]`);
          }
        });
        return;
      case 'append':
        step.sources.forEach((name, j) => {
          const source = this.source(name, [...at, 'sources', j]);
          if (source === undefined || this.columns === null) return;
          for (const c of source.columns) {
            if (!this.columns.includes(c.name)) {
              this.columns.push(c.name);
              this.gone.delete(c.name);
            }
          }
        });
        return;
      default:
        return;
    }
  }

  private checkOutput(): void {
    const { output } = this.config;
    (output.columns ?? []).forEach((c, j) => this.column(c, ['output', 'columns', j]));
    const summary = output.summary;
    if (summary === undefined) return;
    if (summary.firstRows !== undefined && summary.firstRows > this.limits.maxSummaryRows) {
      this.add(['output', 'summary', 'firstRows'], `asks for ${summary.firstRows} rows; the limit is ${this.limits.maxSummaryRows}`);
    }
    (summary.totals ?? []).forEach((c, j) => this.column(c, ['output', 'summary', 'totals', j]));
    (summary.pivots ?? []).forEach((p, j) => {
      if (!this.pivots.has(p)) {
        this.add(['output', 'summary', 'pivots', j], `unknown pivot ${q(p)}${didYouMean(p, this.pivots.keys())}`);
      }
    });
  }
}

/** Semantic issues of a schema-valid config (unsorted; see finishIssues). */
export function semanticIssues(config: SheetscaleConfig, limits: Limits): RawIssue[] {
  return new Checker(config, limits).run();
}
