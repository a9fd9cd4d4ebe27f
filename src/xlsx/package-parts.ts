/**
 * What exceljs does not read from an .xlsx package, read from the zip itself (with the JSZip
 * exceljs depends on): table definitions with their AutoFilter criteria and sort state, the
 * sheet-level AutoFilter, and PivotTable definitions with their caches (ECMA-376 Part 1,
 * §18.5 tables, §18.3.1.2 autoFilter, §18.10 pivot tables).
 */
import JSZip from 'jszip';
import path from 'node:path';
import type { ColumnFilter, PivotTableInfo, RangeAddress, SortState, TableInfo } from '../recorder/workbook';
import { parseRangeA1 } from '../recorder/workbook';
import { child, children, parseXml, type XmlElement } from './xml';

/** The parts of one sheet that exceljs leaves out. */
export interface SheetParts {
  tables: TableInfo[];
  autoFilter: { range: RangeAddress; filters: ColumnFilter[]; sort?: SortState } | null;
  pivotTables: PivotTableInfo[];
}

/** Parts by sheet name, plus the workbook's date system. */
export interface PackageParts {
  sheets: Map<string, SheetParts>;
  date1904: boolean;
}

async function readPart(zip: JSZip, name: string): Promise<XmlElement | undefined> {
  const file = zip.file(name);
  if (!file) return undefined;
  return parseXml(await file.async('string'));
}

/** Relationship targets of a part, by id, as zip paths. */
async function relationships(zip: JSZip, part: string): Promise<Map<string, { type: string; target: string }>> {
  const relsPath = path.posix.join(path.posix.dirname(part), '_rels', `${path.posix.basename(part)}.rels`);
  const rels = await readPart(zip, relsPath);
  const out = new Map<string, { type: string; target: string }>();
  for (const r of children(rels, 'Relationship')) {
    const target = r.attrs.Target ?? '';
    const resolved = target.startsWith('/') ? target.slice(1) : path.posix.normalize(path.posix.join(path.posix.dirname(part), target));
    out.set(r.attrs.Id ?? '', { type: (r.attrs.Type ?? '').replace(/^.*\//, ''), target: resolved });
  }
  return out;
}

const OPERATORS: Record<string, string> = {
  equal: '=', lessThan: '<', lessThanOrEqual: '<=', notEqual: '<>', greaterThanOrEqual: '>=', greaterThan: '>',
};

/** One <filterColumn> as a ColumnFilter (column offset within the filtered range). */
function filterColumn(fc: XmlElement): ColumnFilter {
  const columnIndex = Number(fc.attrs.colId ?? 0);
  const filters = child(fc, 'filters');
  if (filters) {
    if (children(filters, 'dateGroupItem').length > 0) return { columnIndex, filterOn: 'unsupported', description: 'a date-group filter' };
    return {
      columnIndex,
      filterOn: 'values',
      values: children(filters, 'filter').map((f) => f.attrs.val ?? ''),
      ...(filters.attrs.blank === '1' || filters.attrs.blank === 'true' ? { blanks: true } : {}),
    };
  }
  const custom = child(fc, 'customFilters');
  if (custom) {
    const crit = children(custom, 'customFilter').map((c) => `${OPERATORS[c.attrs.operator ?? 'equal'] ?? '='}${c.attrs.val ?? ''}`);
    const and = custom.attrs.and === '1' || custom.attrs.and === 'true';
    const f: ColumnFilter = { columnIndex, filterOn: 'custom', criterion1: crit[0] ?? '' };
    if (crit[1] !== undefined) {
      f.criterion2 = crit[1];
      f.operator = and ? 'and' : 'or';
    }
    return f;
  }
  const top10 = child(fc, 'top10');
  if (top10) {
    const top = top10.attrs.top !== '0' && top10.attrs.top !== 'false';
    const percent = top10.attrs.percent === '1' || top10.attrs.percent === 'true';
    return { columnIndex, filterOn: top ? (percent ? 'topPercent' : 'topItems') : percent ? 'bottomPercent' : 'bottomItems', count: Number(top10.attrs.val ?? 10) };
  }
  const dynamic = child(fc, 'dynamicFilter');
  if (dynamic && (dynamic.attrs.type === 'aboveAverage' || dynamic.attrs.type === 'belowAverage')) {
    return { columnIndex, filterOn: dynamic.attrs.type };
  }
  const other = fc.children[0]?.name ?? 'an empty filter';
  return { columnIndex, filterOn: 'unsupported', description: dynamic ? `a dynamic filter (${dynamic.attrs.type})` : other };
}

/** The sort state (its sortCondition refs are turned into offsets from `range`'s left column). */
function sortState(el: XmlElement | undefined, range: RangeAddress): SortState | undefined {
  if (!el) return undefined;
  const fields = children(el, 'sortCondition').map((c) => {
    const ref = parseRangeA1(c.attrs.ref ?? '');
    const by = c.attrs.sortBy;
    return {
      columnIndex: (ref?.left ?? range.left) - range.left,
      descending: c.attrs.descending === '1' || c.attrs.descending === 'true',
      ...(by && by !== 'value' ? { sortOn: (by === 'cellColor' || by === 'fontColor' || by === 'icon' ? by : 'icon') as 'cellColor' } : {}),
    };
  });
  if (fields.length === 0) return undefined;
  return { fields, matchCase: el.attrs.caseSensitive === '1' || el.attrs.caseSensitive === 'true' };
}

function autoFilterOf(af: XmlElement | undefined, sortEl: XmlElement | undefined): { range: RangeAddress; filters: ColumnFilter[]; sort?: SortState } | null {
  if (!af) return null;
  const range = parseRangeA1(af.attrs.ref ?? '');
  if (!range) return null;
  const filters = children(af, 'filterColumn').filter((fc) => fc.children.length > 0).map(filterColumn);
  const sort = sortState(child(af, 'sortState') ?? sortEl, range);
  return { range, filters, ...(sort ? { sort } : {}) };
}

function table(el: XmlElement): TableInfo {
  const range = parseRangeA1(el.attrs.ref ?? '') ?? { top: 1, left: 1, bottom: 1, right: 1 };
  const af = autoFilterOf(child(el, 'autoFilter'), child(el, 'sortState'));
  const info: TableInfo = {
    name: el.attrs.displayName ?? el.attrs.name ?? 'Table',
    range,
    headerRow: el.attrs.headerRowCount !== '0',
    totalsRow: Number(el.attrs.totalsRowCount ?? 0) > 0,
    columns: children(child(el, 'tableColumns'), 'tableColumn').map((c) => c.attrs.name ?? ''),
    filters: af?.filters ?? [],
  };
  // A table's sort state may sit at table level even without an AutoFilter.
  const sort = af?.sort ?? sortState(child(el, 'sortState'), range);
  if (sort) info.sort = sort;
  return info;
}

/** A shared item of a pivot cache field as a JSON-like value. */
function sharedItem(el: XmlElement | undefined): string | number | boolean | null {
  if (!el) return null;
  const v = el.attrs.v;
  switch (el.name) {
    case 'n':
      return Number(v);
    case 'b':
      return v === '1' || v === 'true';
    case 'm':
      return null;
    case 'd':
      return v ?? null;
    default:
      return v ?? '';
  }
}

const SUBTOTALS: Record<string, string> = {
  sum: 'Sum', count: 'Count', average: 'Average', max: 'Max', min: 'Min', product: 'Product', countNums: 'CountNumbers',
  stdDev: 'StandardDeviation', stdDevp: 'StandardDeviationP', var: 'Variance', varp: 'VarianceP',
};

async function pivotTable(zip: JSZip, part: string, sheet: string): Promise<PivotTableInfo | undefined> {
  const def = await readPart(zip, part);
  if (!def) return undefined;
  const rels = await relationships(zip, part);
  const cacheRel = [...rels.values()].find((r) => r.type === 'pivotCacheDefinition');
  const cache = cacheRel ? await readPart(zip, cacheRel.target) : undefined;
  const cacheFields = children(child(cache, 'cacheFields'), 'cacheField');
  const fieldName = (i: number): string => (i === -2 ? '\u03a3Values' : (cacheFields[i]?.attrs.name ?? `Field${i + 1}`));
  const pivotFields = children(child(def, 'pivotFields'), 'pivotField');
  const itemValue = (fieldIndex: number, itemIndex: number): string | number | boolean | null => {
    const item = children(child(pivotFields[fieldIndex], 'items'), 'item')[itemIndex];
    const x = Number(item?.attrs.x ?? itemIndex);
    return sharedItem(child(cacheFields[fieldIndex], 'sharedItems')?.children[x]);
  };
  const ws = child(child(cache, 'cacheSource'), 'worksheetSource');
  const source: PivotTableInfo['source'] = {};
  if (ws?.attrs.name) source.table = ws.attrs.name;
  if (ws?.attrs.sheet) source.sheet = ws.attrs.sheet;
  const sourceRange = ws?.attrs.ref ? parseRangeA1(ws.attrs.ref) : undefined;
  if (sourceRange) source.range = sourceRange;
  const location = parseRangeA1(child(def, 'location')?.attrs.ref ?? '');
  const filters = children(child(def, 'pageFields'), 'pageField').map((pf) => {
    const fld = Number(pf.attrs.fld ?? 0);
    const name = fieldName(fld);
    if (pf.attrs.item !== undefined) return { field: name, values: [itemValue(fld, Number(pf.attrs.item))] };
    const items = children(child(pivotFields[fld], 'items'), 'item').filter((it) => it.attrs.t === undefined);
    const hidden = items.some((it) => it.attrs.h === '1' || it.attrs.h === 'true');
    if (!hidden) return { field: name };
    return { field: name, values: items.filter((it) => !(it.attrs.h === '1' || it.attrs.h === 'true')).map((it) => sharedItem(child(cacheFields[fld], 'sharedItems')?.children[Number(it.attrs.x)])) };
  });
  const info: PivotTableInfo = {
    name: def.attrs.name ?? 'PivotTable',
    source,
    rows: children(child(def, 'rowFields'), 'field').map((f) => fieldName(Number(f.attrs.x))),
    columns: children(child(def, 'colFields'), 'field').map((f) => fieldName(Number(f.attrs.x))),
    values: children(child(def, 'dataFields'), 'dataField').map((d) => ({
      field: fieldName(Number(d.attrs.fld ?? 0)),
      ...(d.attrs.name ? { name: d.attrs.name } : {}),
      summarizeBy: SUBTOTALS[d.attrs.subtotal ?? 'sum'] ?? d.attrs.subtotal ?? 'Sum',
    })),
    filters,
    grandTotals: {
      rows: def.attrs.colGrandTotals !== '0' && def.attrs.colGrandTotals !== 'false',
      columns: def.attrs.rowGrandTotals !== '0' && def.attrs.rowGrandTotals !== 'false',
    },
  };
  if (location) info.location = { sheet, range: location };
  return info;
}

const NAMESPACES = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';

/** The first element of that name in a part's text (self-closing or with content), as text. */
function elementText(xml: string, name: string): string | undefined {
  const m = new RegExp(`<(\\w+:)?${name}\\b[^>]*?(/>|>[\\s\\S]*?</(\\w+:)?${name}>)`).exec(xml);
  return m?.[0];
}

function fragment(text: string, name: string): XmlElement | undefined {
  return child(parseXml(`<r ${NAMESPACES}>${text}</r>`), name);
}

/** Reads tables, AutoFilters and pivots of every sheet from the package. */
export async function readPackageParts(data: Buffer | Uint8Array): Promise<PackageParts> {
  const zip = await JSZip.loadAsync(data);
  const wb = await readPart(zip, 'xl/workbook.xml');
  const wbRels = await relationships(zip, 'xl/workbook.xml');
  const sheets = new Map<string, SheetParts>();
  const pr = child(wb, 'workbookPr');
  const date1904 = pr?.attrs.date1904 === '1' || pr?.attrs.date1904 === 'true';
  for (const s of children(child(wb, 'sheets'), 'sheet')) {
    const name = s.attrs.name ?? '';
    const rel = wbRels.get(s.attrs['r:id'] ?? '');
    const parts: SheetParts = { tables: [], autoFilter: null, pivotTables: [] };
    sheets.set(name, parts);
    if (!rel) continue;
    const file = zip.file(rel.target);
    if (!file) continue;
    const xml = await file.async('string');
    // Only the AutoFilter and sort state are needed from the (possibly large) sheet part.
    const af = elementText(xml, 'autoFilter');
    const ss = elementText(xml, 'sortState');
    if (af) parts.autoFilter = autoFilterOf(fragment(af, 'autoFilter'), ss && !af.includes(ss) ? fragment(ss, 'sortState') : undefined);
    const sheetRels = await relationships(zip, rel.target);
    for (const r of sheetRels.values()) {
      if (r.type === 'table') {
        const t = await readPart(zip, r.target);
        if (t) parts.tables.push(table(t));
      } else if (r.type === 'pivotTable') {
        const p = await pivotTable(zip, r.target, name);
        if (p) parts.pivotTables.push(p);
      }
    }
  }
  return { sheets, date1904 };
}
