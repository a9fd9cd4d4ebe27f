/* eslint-disable */
// GENERATED FILE, DO NOT EDIT.
// Generated from schema/config.schema.json by scripts/generate-config-types.js.
// Change the schema, then run `npm run generate:types`.

/**
 * A column, source or table name as the user sees it (an Excel header). Column names must not start with the schema's x-sheetscale-reserved-column-prefix ("__"): the engine's helper columns (e.g. the source row order) use it.
 *
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "Name".
 */
export type Name = string;
/**
 * The Excel-facing kind of a source column. 'mixed' keeps each value's own kind (number, text, logical, blank, error).
 *
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "ColumnType".
 */
export type ColumnType = 'number' | 'text' | 'logical' | 'date' | 'mixed';
/**
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "SourceFormat".
 */
export type SourceFormat = CsvFormat | ParquetFormat | JsonLinesFormat;
/**
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "Step".
 */
export type Step =
  | FormulaStep
  | LookupStep
  | ConditionalAggregateStep
  | FilterStep
  | SortStep
  | RemoveDuplicatesStep
  | PivotStep
  | GroupStep
  | SelectColumnsStep
  | RenameColumnsStep
  | DeleteColumnsStep
  | AppendStep;
/**
 * Stable identifier of a step, unique within the config.
 *
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "StepId".
 */
export type StepId = string;
/**
 * An expression tree: what an Excel formula computes for one row. Operator precedence is resolved by the tree's shape.
 *
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "Expr".
 */
export type Expr =
  | NumberLiteral
  | TextLiteral
  | LogicalLiteral
  | BlankLiteral
  | ErrorLiteral
  | ColumnRef
  | UnaryExpr
  | BinaryExpr
  | CallExpr;
/**
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "ErrorCode".
 */
export type ErrorCode =
  | '#NULL!'
  | '#DIV/0!'
  | '#VALUE!'
  | '#REF!'
  | '#NAME?'
  | '#NUM!'
  | '#N/A'
  | '#GETTING_DATA'
  | '#SPILL!'
  | '#CALC!';
/**
 * AutoFilter criteria on one column, as Excel's FilterCriteria.
 *
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "FilterCondition".
 */
export type FilterCondition =
  ValuesFilterCondition | CustomFilterCondition | TopBottomFilterCondition | AverageFilterCondition;
/**
 * A pivot value field's 'Summarize Values By'. count counts non-blank cells (COUNTA); countNumbers counts numbers (COUNT).
 *
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "SummaryFunction".
 */
export type SummaryFunction =
  | 'sum'
  | 'count'
  | 'countNumbers'
  | 'average'
  | 'max'
  | 'min'
  | 'product'
  | 'standardDeviation'
  | 'standardDeviationP'
  | 'variance'
  | 'varianceP';

/**
 * A transformation recorded on a sample sheet in Excel, to be run unchanged on the full data. The single source of truth for the config contract: the TypeScript types are generated from this file and both validators (TypeScript and Python) read it.
 */
export interface SheetscaleConfig {
  $schema?: string;
  /**
   * Version of this config format. Bumped on any change that an older engine could not run.
   */
  version: 1;
  name?: string;
  description?: string;
  recordedFrom?: RecordedFrom;
  /**
   * Name of the source whose rows flow through the steps (the sample sheet's table).
   */
  main: string;
  /**
   * @minItems 1
   * @maxItems 50
   */
  sources: Source[];
  /**
   * @maxItems 500
   */
  steps: Step[];
  options?: Options;
  output: Output;
}
/**
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "RecordedFrom".
 */
export interface RecordedFrom {
  workbook?: string;
  sheet?: string;
  table?: string;
  range?: string;
  recordedAt?: string;
  recorder?: string;
}
/**
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "Source".
 */
export interface Source {
  name: Name;
  description?: string;
  /**
   * Catalog dataset id this source is bound to by default (the backend resolves it to a location; never a path).
   */
  dataset?: string;
  /**
   * Sheet (and table) the sample came from.
   */
  sheet?: string;
  /**
   * @minItems 1
   * @maxItems 1000
   */
  columns: SourceColumn[];
  format: SourceFormat;
  /**
   * A row that cannot be read (malformed CSV line, a value that does not fit its column): 'fail' stops the job naming file and line; 'error' keeps the row with #VALUE! in the cells that do not fit, and counts it in the summary.
   */
  onBadRow?: 'fail' | 'error';
}
/**
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "SourceColumn".
 */
export interface SourceColumn {
  name: Name;
  type: ColumnType;
  /**
   * Name of the field in the file when it differs from the Excel header.
   */
  field?: string;
  /**
   * For type 'date' in text formats: the pattern of the text (Java DateTimeFormatter style, e.g. 'yyyy-MM-dd'). Default ISO 8601.
   */
  dateFormat?: string;
}
/**
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "CsvFormat".
 */
export interface CsvFormat {
  type: 'csv';
  delimiter?: string;
  quote?: string;
  escape?: string;
  header?: boolean;
  encoding?: string;
  lineSeparator?: '\n' | '\r\n' | 'auto';
}
/**
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "ParquetFormat".
 */
export interface ParquetFormat {
  type: 'parquet';
}
/**
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "JsonLinesFormat".
 */
export interface JsonLinesFormat {
  type: 'jsonl';
}
/**
 * A formula column: the same formula filled down the data rows, evaluated per row.
 *
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "FormulaStep".
 */
export interface FormulaStep {
  op: 'formula';
  id: StepId;
  provenance: Provenance;
  column: Name;
  expr: Expr;
  /**
   * A helper column (e.g. a lookup nested in a formula) that is not part of the output.
   */
  hidden?: boolean;
}
/**
 * Where in the workbook a step came from, for error messages and for 'explain'.
 *
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "Provenance".
 */
export interface Provenance {
  sheet: string;
  /**
   * First cell of a formula column, e.g. 'D2'.
   */
  cell?: string;
  /**
   * The range the step covers, e.g. 'D2:D1001' or 'A1:H1001'.
   */
  range?: string;
  /**
   * The Excel formula text as typed (A1 style).
   */
  formula?: string;
  formulaR1C1?: string;
  /**
   * The Excel command for non-formula steps, e.g. 'Sort', 'Remove Duplicates', 'PivotTable'.
   */
  action?: string;
  table?: string;
}
/**
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "NumberLiteral".
 */
export interface NumberLiteral {
  kind: 'number';
  value: number;
}
/**
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "TextLiteral".
 */
export interface TextLiteral {
  kind: 'text';
  value: string;
}
/**
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "LogicalLiteral".
 */
export interface LogicalLiteral {
  kind: 'logical';
  value: boolean;
}
/**
 * An omitted argument or a reference to an empty cell.
 *
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "BlankLiteral".
 */
export interface BlankLiteral {
  kind: 'blank';
}
/**
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "ErrorLiteral".
 */
export interface ErrorLiteral {
  kind: 'error';
  value: ErrorCode;
}
/**
 * The value of a column on the same row (B2 in row 2, [@Amount]).
 *
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "ColumnRef".
 */
export interface ColumnRef {
  kind: 'column';
  name: Name;
}
/**
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "UnaryExpr".
 */
export interface UnaryExpr {
  kind: 'unary';
  /**
   * Prefix - and +, postfix %.
   */
  op: '-' | '+' | '%';
  arg: Expr;
}
/**
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "BinaryExpr".
 */
export interface BinaryExpr {
  kind: 'binary';
  op: '+' | '-' | '*' | '/' | '^' | '&' | '=' | '<>' | '<' | '>' | '<=' | '>=';
  left: Expr;
  right: Expr;
}
/**
 * A call to a function of the closed list in schema/functions.json (scalar functions only: lookups and conditional aggregates are steps).
 *
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "CallExpr".
 */
export interface CallExpr {
  kind: 'call';
  name: string;
  /**
   * @maxItems 255
   */
  args: Expr[];
}
/**
 * VLOOKUP / XLOOKUP / INDEX+MATCH / MATCH into another source: one value per row, never more rows.
 *
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "LookupStep".
 */
export interface LookupStep {
  op: 'lookup';
  id: StepId;
  provenance: Provenance;
  /**
   * A column, source or table name as the user sees it (an Excel header). Column names must not start with the schema's x-sheetscale-reserved-column-prefix ("__"): the engine's helper columns (e.g. the source row order) use it.
   */
  column: string;
  hidden?: boolean;
  /**
   * The Excel function this came from (drives nothing but messages and 'explain').
   */
  function: 'VLOOKUP' | 'XLOOKUP' | 'INDEX/MATCH' | 'MATCH';
  /**
   * The lookup value, evaluated on each row.
   */
  key:
    | NumberLiteral
    | TextLiteral
    | LogicalLiteral
    | BlankLiteral
    | ErrorLiteral
    | ColumnRef
    | UnaryExpr
    | BinaryExpr
    | CallExpr;
  /**
   * A column, source or table name as the user sees it (an Excel header). Column names must not start with the schema's x-sheetscale-reserved-column-prefix ("__"): the engine's helper columns (e.g. the source row order) use it.
   */
  source: string;
  /**
   * A column, source or table name as the user sees it (an Excel header). Column names must not start with the schema's x-sheetscale-reserved-column-prefix ("__"): the engine's helper columns (e.g. the source row order) use it.
   */
  keyColumn: string;
  /**
   * A column, source or table name as the user sees it (an Excel header). Column names must not start with the schema's x-sheetscale-reserved-column-prefix ("__"): the engine's helper columns (e.g. the source row order) use it.
   */
  returnColumn?: string;
  /**
   * exact: equal, case-insensitive, no wildcards (XLOOKUP 0). wildcard: exact with * ? ~ (VLOOKUP FALSE, MATCH 0, XLOOKUP 2). approximate: sorted-ascending search, largest key <= value (VLOOKUP TRUE, MATCH 1). approximateDescending: MATCH -1, smallest key >= value in a descending list. nextSmaller / nextLarger: exact or else the next smaller / larger key (XLOOKUP -1 / 1).
   */
  match: 'exact' | 'wildcard' | 'approximate' | 'approximateDescending' | 'nextSmaller' | 'nextLarger';
  /**
   * XLOOKUP search_mode: firstToLast (1), lastToFirst (-1), binaryAscending (2), binaryDescending (-2).
   */
  search?: 'firstToLast' | 'lastToFirst' | 'binaryAscending' | 'binaryDescending';
  /**
   * XLOOKUP if_not_found; without it a miss is #N/A.
   */
  ifNotFound?:
    | NumberLiteral
    | TextLiteral
    | LogicalLiteral
    | BlankLiteral
    | ErrorLiteral
    | ColumnRef
    | UnaryExpr
    | BinaryExpr
    | CallExpr;
}
/**
 * SUMIF(S) / COUNTIF(S) / AVERAGEIF(S) over another source, per row of the main table.
 *
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "ConditionalAggregateStep".
 */
export interface ConditionalAggregateStep {
  op: 'conditionalAggregate';
  id: StepId;
  provenance: Provenance;
  column: Name;
  hidden?: boolean;
  function: 'SUMIF' | 'SUMIFS' | 'COUNTIF' | 'COUNTIFS' | 'AVERAGEIF' | 'AVERAGEIFS';
  source: Name;
  /**
   * A column, source or table name as the user sees it (an Excel header). Column names must not start with the schema's x-sheetscale-reserved-column-prefix ("__"): the engine's helper columns (e.g. the source row order) use it.
   */
  valueColumn?: string;
  /**
   * @minItems 1
   * @maxItems 127
   */
  criteria: Criterion[];
}
/**
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "Criterion".
 */
export interface Criterion {
  /**
   * A column, source or table name as the user sees it (an Excel header). Column names must not start with the schema's x-sheetscale-reserved-column-prefix ("__"): the engine's helper columns (e.g. the source row order) use it.
   */
  column: string;
  /**
   * Excel criteria, evaluated per row: a value (equality, wildcards in text) or text such as ">100", "<>", "=", "a*".
   */
  criterion:
    | NumberLiteral
    | TextLiteral
    | LogicalLiteral
    | BlankLiteral
    | ErrorLiteral
    | ColumnRef
    | UnaryExpr
    | BinaryExpr
    | CallExpr;
}
/**
 * AutoFilter: keeps the rows meeting every condition (columns are ANDed). Changes which rows exist, not their values.
 *
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "FilterStep".
 */
export interface FilterStep {
  op: 'filter';
  id: StepId;
  provenance: Provenance;
  /**
   * @minItems 1
   */
  conditions: FilterCondition[];
}
export interface ValuesFilterCondition {
  column: Name;
  filterOn: 'values';
  /**
   * Values kept (compared case-insensitively, numbers by value).
   */
  values: (string | number | boolean)[];
  /**
   * Keep blank cells ((Blanks) ticked).
   */
  blanks?: boolean;
}
export interface CustomFilterCondition {
  column: Name;
  filterOn: 'custom';
  /**
   * Excel criteria text, e.g. ">=100", "=a*", "<>x".
   */
  criterion1: string;
  criterion2?: string;
  operator?: 'and' | 'or';
}
export interface TopBottomFilterCondition {
  column: Name;
  filterOn: 'topItems' | 'bottomItems' | 'topPercent' | 'bottomPercent';
  count: number;
}
export interface AverageFilterCondition {
  column: Name;
  filterOn: 'aboveAverage' | 'belowAverage';
}
/**
 * Excel's sort: stable, case-insensitive, numbers < text < logicals < errors, blanks last in both directions.
 *
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "SortStep".
 */
export interface SortStep {
  op: 'sort';
  id: StepId;
  provenance: Provenance;
  /**
   * @minItems 1
   * @maxItems 64
   */
  keys: SortKey[];
  matchCase?: boolean;
}
/**
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "SortKey".
 */
export interface SortKey {
  column: Name;
  descending?: boolean;
}
/**
 * Remove Duplicates: keeps the first row of each group of rows equal (case-insensitively) in the given columns.
 *
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "RemoveDuplicatesStep".
 */
export interface RemoveDuplicatesStep {
  op: 'removeDuplicates';
  id: StepId;
  provenance: Provenance;
  /**
   * @minItems 1
   */
  columns: Name[];
}
/**
 * A PivotTable over the current rows. It does not change the rows that flow on; the pivot is kept under its name for the output.
 *
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "PivotStep".
 */
export interface PivotStep {
  op: 'pivot';
  id: StepId;
  provenance: Provenance;
  /**
   * A column, source or table name as the user sees it (an Excel header). Column names must not start with the schema's x-sheetscale-reserved-column-prefix ("__"): the engine's helper columns (e.g. the source row order) use it.
   */
  name: string;
  rows: Name[];
  columns?: Name[];
  /**
   * @minItems 1
   */
  values: PivotValue[];
  /**
   * Report filters: the values of a field that are included.
   */
  filters?: PivotFilter[];
  grandTotals?: PivotGrandTotals;
}
/**
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "PivotValue".
 */
export interface PivotValue {
  column: Name;
  /**
   * Absent: Excel's default — sum when every value of the field is a number; count when any is text, a logical, an error or blank.
   */
  summarizeBy?:
    | 'sum'
    | 'count'
    | 'countNumbers'
    | 'average'
    | 'max'
    | 'min'
    | 'product'
    | 'standardDeviation'
    | 'standardDeviationP'
    | 'variance'
    | 'varianceP';
  /**
   * The data field's caption, e.g. 'Sum of Amount'.
   */
  name?: string;
}
export interface PivotFilter {
  column: Name;
  values: (string | number | boolean | null)[];
}
export interface PivotGrandTotals {
  /**
   * Grand total row at the bottom.
   */
  rows?: boolean;
  /**
   * Grand total column at the right.
   */
  columns?: boolean;
}
/**
 * Group rows by key columns and aggregate: the current rows become one row per group, in order of first appearance.
 *
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "GroupStep".
 */
export interface GroupStep {
  op: 'group';
  id: StepId;
  provenance: Provenance;
  by: Name[];
  /**
   * @minItems 1
   */
  aggregates: Aggregate[];
}
/**
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "Aggregate".
 */
export interface Aggregate {
  /**
   * A column, source or table name as the user sees it (an Excel header). Column names must not start with the schema's x-sheetscale-reserved-column-prefix ("__"): the engine's helper columns (e.g. the source row order) use it.
   */
  column: string;
  function:
    | 'sum'
    | 'count'
    | 'countNumbers'
    | 'countRows'
    | 'average'
    | 'max'
    | 'min'
    | 'product'
    | 'standardDeviation'
    | 'standardDeviationP'
    | 'variance'
    | 'varianceP'
    | 'first'
    | 'last';
  as: Name;
}
/**
 * Keep these columns, in this order (also how columns are reordered).
 *
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "SelectColumnsStep".
 */
export interface SelectColumnsStep {
  op: 'selectColumns';
  id: StepId;
  provenance: Provenance;
  /**
   * @minItems 1
   */
  columns: Name[];
}
/**
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "RenameColumnsStep".
 */
export interface RenameColumnsStep {
  op: 'renameColumns';
  id: StepId;
  provenance: Provenance;
  /**
   * @minItems 1
   */
  renames: ColumnRename[];
}
export interface ColumnRename {
  from: Name;
  to: Name;
}
/**
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "DeleteColumnsStep".
 */
export interface DeleteColumnsStep {
  op: 'deleteColumns';
  id: StepId;
  provenance: Provenance;
  /**
   * @minItems 1
   */
  columns: Name[];
}
/**
 * Append the rows of other sources below the current rows, matching columns by name; a column a source lacks is blank.
 *
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "AppendStep".
 */
export interface AppendStep {
  op: 'append';
  id: StepId;
  provenance: Provenance;
  /**
   * @minItems 1
   */
  sources: Name[];
}
/**
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "Options".
 */
export interface Options {
  /**
   * The workbook's date system: serial 1 is 1900-01-01 (with Excel's phantom 1900-02-29) or 1904-01-02.
   */
  dateSystem?: '1900' | '1904';
}
/**
 * This interface was referenced by `SheetscaleConfig`'s JSON-Schema
 * via the `definition` "Output".
 */
export interface Output {
  /**
   * Format of the full result, written at the location bound at run time.
   */
  format?: 'parquet' | 'csv';
  /**
   * Columns kept in the full result, in order. Default: every column that is not hidden.
   */
  columns?: Name[];
  summary?: OutputSummary;
}
export interface OutputSummary {
  /**
   * How many of the first result rows the summary carries.
   */
  firstRows?: number;
  /**
   * Columns whose sum (as Excel's SUM: numbers only) the summary carries.
   */
  totals?: Name[];
  /**
   * Pivot steps (by name) whose table the summary carries. Default: all.
   */
  pivots?: Name[];
}
