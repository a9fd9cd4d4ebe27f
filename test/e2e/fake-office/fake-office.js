/*
 * A fake Office/Excel host for tests: an in-memory workbook behind the subset of the Excel
 * JavaScript API that sheetscale's Office adapter (src/office/) uses, with Office.js's load/sync
 * discipline (a property read before load + sync throws PropertyNotLoaded; writes and loads are
 * queued and run in order at sync), worksheet onChanged events fired on demand, requirement sets
 * up to ExcelApi 1.20, and a stubbed dialog.
 *
 * Loaded as a browser script in place of office.js (test/e2e), and with require() in jest.
 * `createFakeOffice()` returns { Office, Excel, workbook, api }; in a browser the script also
 * installs window.Office / window.Excel and window.fakeOffice (= api).
 *
 * What it emulates of Excel's behaviour, because the adapter's correctness depends on it:
 * - writing a string through `values` into a cell whose number format is not "@" parses it as if
 *   typed: "=..", "+..", "-..", "@.." become formulas, "#N/A"-style codes become errors, numeric
 *   text becomes a number; with "@" it stays text;
 * - a request larger than `payloadLimitBytes` fails with RequestPayloadSizeLimitExceeded;
 * - pivots compute their body (row labels, one value field, Grand Total) into the sheet.
 * - sorting moves whole rows and shifts the relative row numbers of moved A1 formulas, as Excel does.
 * Not emulated: filters hide no rows; formulas are not calculated (tests give Excel's values).
 */
/* global window, setTimeout */
/* eslint-disable @typescript-eslint/no-this-alias -- proxies capture their owner for nested accessors, as Office.js's own objects do */
(function () {
  'use strict';

  const ERROR_CODES = ['#NULL!', '#DIV/0!', '#VALUE!', '#REF!', '#NAME?', '#NUM!', '#N/A', '#GETTING_DATA', '#SPILL!', '#CALC!'];

  // ---------------------------------------------------------------- addresses
  function colLetters(n) {
    let s = '';
    while (n > 0) { const m = (n - 1) % 26; s = String.fromCharCode(65 + m) + s; n = Math.floor((n - 1) / 26); }
    return s;
  }
  function colNumber(letters) {
    let n = 0;
    for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
    return n;
  }
  function parseArea(text) {
    const a = text.includes('!') ? text.slice(text.lastIndexOf('!') + 1) : text;
    const m = /^\$?([A-Za-z]{1,3})\$?(\d+)(?::\$?([A-Za-z]{1,3})\$?(\d+))?$/.exec(a.trim());
    if (m) {
      const l = colNumber(m[1]), t = Number(m[2]);
      const r = m[3] ? colNumber(m[3]) : l, b = m[4] ? Number(m[4]) : t;
      return { top: Math.min(t, b), left: Math.min(l, r), bottom: Math.max(t, b), right: Math.max(l, r) };
    }
    const cols = /^\$?([A-Za-z]{1,3}):\$?([A-Za-z]{1,3})$/.exec(a.trim());
    if (cols) return { top: 1, left: colNumber(cols[1]), bottom: 1048576, right: colNumber(cols[2]) };
    throw fakeError('InvalidArgument', `The address "${text}" is not valid.`);
  }
  function areaA1(r) {
    const a = `${colLetters(r.left)}${r.top}`;
    const b = `${colLetters(r.right)}${r.bottom}`;
    return a === b ? a : `${a}:${b}`;
  }
  function quoteSheet(name) {
    return /^[A-Za-z_][A-Za-z0-9_.]*$/.test(name) ? name : `'${name.replace(/'/g, "''")}'`;
  }
  function fakeError(code, message) {
    const e = new Error(message);
    e.name = 'RichApi.Error';
    e.code = code;
    return e;
  }

  // ---------------------------------------------------------------- workbook state
  function createWorkbook() {
    let nextId = 1;
    const wb = {
      sheets: [],
      tables: [],
      pivots: [],
      selection: null,
      activeSheet: null,
      addSheet(name) {
        if (wb.sheets.some((s) => s.name.toLowerCase() === name.toLowerCase())) throw fakeError('ItemAlreadyExists', `A sheet named "${name}" already exists.`);
        if (name.length > 31 || /[:\\/?*[\]]/.test(name)) throw fakeError('InvalidArgument', `"${name}" is not a valid sheet name.`);
        const sheet = { id: `{sheet-${nextId++}}`, name, cells: new Map(), handlers: [], autoFilter: null };
        wb.sheets.push(sheet);
        if (!wb.activeSheet) wb.activeSheet = sheet;
        return sheet;
      },
      sheet(nameOrId) {
        const s = wb.sheets.find((x) => x.id === nameOrId || x.name.toLowerCase() === String(nameOrId).toLowerCase());
        if (!s) throw fakeError('ItemNotFound', `The sheet "${nameOrId}" does not exist.`);
        return s;
      },
      cell(sheet, row, col) {
        return sheet.cells.get(`${row},${col}`) || { value: '', numberFormat: 'General' };
      },
      setCell(sheet, row, col, patch) {
        const cur = wb.cell(sheet, row, col);
        const next = Object.assign({}, cur, patch);
        sheet.cells.set(`${row},${col}`, next);
      },
      usedArea(sheet, valuesOnly) {
        let r = null;
        for (const [key, c] of sheet.cells) {
          if (c.value === '' && !c.formula && (valuesOnly || c.numberFormat === 'General')) continue;
          const [row, col] = key.split(',').map(Number);
          r = r ? { top: Math.min(r.top, row), left: Math.min(r.left, col), bottom: Math.max(r.bottom, row), right: Math.max(r.right, col) }
            : { top: row, left: col, bottom: row, right: col };
        }
        return r;
      },
    };
    return wb;
  }

  function valueTypeOf(v) {
    if (v === '' || v === null || v === undefined) return 'Empty';
    if (typeof v === 'number') return 'Double';
    if (typeof v === 'boolean') return 'Boolean';
    if (typeof v === 'object' && v.error) return 'Error';
    return 'String';
  }
  function shownValue(c) {
    return c.value && typeof c.value === 'object' ? c.value.error : c.value;
  }

  /** Writes a value as Excel does through range.values (see the header comment). */
  function parseTyped(value, numberFormat) {
    if (typeof value !== 'string') return { value };
    if (value === '') return { value: '' };
    if (numberFormat === '@') return { value };
    if (/^[=+\-@]/.test(value) && value.length > 1) return { value: { error: '#NAME?' }, formula: value.startsWith('=') ? value : `=${value.replace(/^@/, '')}` };
    if (ERROR_CODES.includes(value.toUpperCase())) return { value: { error: value.toUpperCase() } };
    if (/^\s*-?\d+(\.\d+)?([eE][+-]?\d+)?\s*$/.test(value)) return { value: Number(value) };
    if (/^(TRUE|FALSE)$/i.test(value)) return { value: value.toUpperCase() === 'TRUE' };
    return { value };
  }

  function compareForSort(a, b) {
    const rank = (v) => (v === '' ? 4 : typeof v === 'number' ? 0 : typeof v === 'string' ? 1 : typeof v === 'boolean' ? 2 : 3);
    const ra = rank(a), rb = rank(b);
    if (ra !== rb) return ra - rb;
    if (ra === 0) return a - b;
    if (ra === 1) return a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0;
    return 0;
  }

  // ---------------------------------------------------------------- the API objects
  function createFakeOffice(options) {
    const opts = Object.assign({ payloadLimitBytes: 5 * 1024 * 1024, maxApiVersion: 20 }, options || {});
    const wb = createWorkbook();
    const log = { syncs: 0, requests: [], dialogs: [] };
    const flags = { enableEvents: true };

    class Context {
      constructor() {
        this.queue = [];
        this.bytes = 0;
        this.workbook = new Workbook(this);
        this.application = {
          suspendApiCalculationUntilNextSync: () => { this.push(() => undefined, 16); },
          suspendScreenUpdatingUntilNextSync: () => { this.push(() => undefined, 16); },
        };
        this.runtime = {};
        Object.defineProperty(this.runtime, 'enableEvents', { get: () => flags.enableEvents, set: (v) => { this.push(() => { flags.enableEvents = v; }, 8); } });
      }
      push(op, bytes) {
        this.queue.push(op);
        this.bytes += bytes || 32;
      }
      async sync() {
        const queue = this.queue;
        const bytes = this.bytes;
        this.queue = [];
        this.bytes = 0;
        log.syncs++;
        log.requests.push(bytes);
        if (bytes > opts.payloadLimitBytes) throw fakeError('RequestPayloadSizeLimitExceeded', 'The request payload size has exceeded the limit.');
        for (const op of queue) op();
      }
      trackedObjects = { add() {}, remove() {} };
    }

    /** Base of every proxy: `load` snapshots all scalar properties at sync. */
    class ClientObject {
      constructor(ctx) { this.context = ctx; this._loaded = null; }
      load() {
        this.context.push(() => { this._loaded = this._snapshot(); }, 24);
        return this;
      }
      _get(name) {
        if (!this._loaded || !(name in this._loaded)) throw fakeError('PropertyNotLoaded', `The property '${name}' is not available. Before reading the property's value, call the load method on the containing object and call "context.sync()" on the associated request context.`);
        return this._loaded[name];
      }
      toJSON() { return this._loaded; }
    }
    function scalar(proto, names) {
      for (const n of names) Object.defineProperty(proto, n, { get() { return this._get(n); }, configurable: true });
    }

    class Workbook {
      constructor(ctx) {
        this.context = ctx;
        this.worksheets = new WorksheetCollection(ctx);
        this.tables = new TableCollection(ctx, null);
        this.application = ctx.application;
      }
      getSelectedRange() {
        return new Range(this.context, () => {
          const sel = wb.selection || { sheet: wb.activeSheet.name, address: 'A1' };
          return { sheet: wb.sheet(sel.sheet), area: parseArea(sel.address) };
        });
      }
    }

    class WorksheetCollection extends ClientObject {
      _snapshot() { return { items: wb.sheets.map((s) => loadedSheet(this.context, s)) }; }
      get items() { return this._get('items'); }
      add(name) {
        let created;
        this.context.push(() => { created = wb.addSheet(name); }, 64);
        return new Worksheet(this.context, () => created);
      }
      getItem(nameOrId) { return new Worksheet(this.context, () => wb.sheet(nameOrId)); }
      getActiveWorksheet() { return new Worksheet(this.context, () => wb.activeSheet); }
    }
    function loadedSheet(ctx, s) {
      const w = new Worksheet(ctx, () => s);
      w._loaded = w._snapshot();
      return w;
    }

    class Worksheet extends ClientObject {
      constructor(ctx, resolve) {
        super(ctx);
        this._resolve = resolve;
        this.tables = new TableCollection(ctx, resolve);
        this.pivotTables = new PivotTableCollection(ctx, resolve);
        this.autoFilter = new AutoFilter(ctx, resolve);
        this.onChanged = {
          add: (handler) => {
            const result = { context: ctx, remove: () => { ctx.push(() => { const s = resolve(); s.handlers = s.handlers.filter((h) => h !== handler); }); } };
            ctx.push(() => { resolve().handlers.push(handler); });
            return result;
          },
        };
      }
      _snapshot() { const s = this._resolve(); return { name: s.name, id: s.id, position: wb.sheets.indexOf(s), visibility: 'Visible' }; }
      getRange(address) { return new Range(this.context, () => ({ sheet: this._resolve(), area: parseArea(address || 'A1') })); }
      getUsedRange(valuesOnly) {
        return new Range(this.context, () => {
          const s = this._resolve();
          return { sheet: s, area: wb.usedArea(s, valuesOnly) || { top: 1, left: 1, bottom: 1, right: 1 } };
        });
      }
      getUsedRangeOrNullObject(valuesOnly) {
        return new Range(this.context, () => {
          const s = this._resolve();
          const area = wb.usedArea(s, valuesOnly);
          return area ? { sheet: s, area } : null;
        });
      }
      activate() { this.context.push(() => { wb.activeSheet = this._resolve(); }); }
    }
    scalar(Worksheet.prototype, ['name', 'id', 'position', 'visibility']);

    class Range extends ClientObject {
      constructor(ctx, resolve) {
        super(ctx);
        this._resolve = resolve;
        const self = this;
        this.format = {
          font: {},
          autofitColumns() { ctx.push(() => undefined); },
        };
        Object.defineProperty(this.format.font, 'bold', { set(v) { ctx.push(() => { const t = self._resolve(); t.sheet.bold = t.sheet.bold || new Set(); if (v) t.sheet.bold.add(areaA1(t.area)); }); } });
        this.sort = {
          apply(fields, matchCase, hasHeaders) {
            ctx.push(() => { const t = self._resolve(); sortArea(t.sheet, t.area, fields, hasHeaders !== false); });
          },
        };
        this.worksheet = new Worksheet(ctx, () => this._resolve().sheet);
      }
      _target() {
        const t = this._resolve();
        if (!t) throw fakeError('ItemNotFound', 'The range is a null object.');
        return t;
      }
      _snapshot() {
        const t = this._resolve();
        if (!t) return { isNullObject: true };
        const { sheet, area } = t;
        const rows = (fn) => {
          const out = [];
          for (let r = area.top; r <= area.bottom; r++) {
            const row = [];
            for (let c = area.left; c <= area.right; c++) row.push(fn(wb.cell(sheet, r, c)));
            out.push(row);
          }
          return out;
        };
        return {
          isNullObject: false,
          address: `${quoteSheet(sheet.name)}!${areaA1(area)}`,
          rowIndex: area.top - 1,
          columnIndex: area.left - 1,
          rowCount: area.bottom - area.top + 1,
          columnCount: area.right - area.left + 1,
          values: rows(shownValue),
          valueTypes: rows((c) => valueTypeOf(c.value)),
          formulas: rows((c) => c.formula || shownValue(c)),
          formulasR1C1: rows((c) => c.formulaR1C1 || c.formula || shownValue(c)),
          numberFormat: rows((c) => c.numberFormat || 'General'),
          text: rows((c) => String(shownValue(c))),
        };
      }
      _write(kind, matrix) {
        const json = JSON.stringify(matrix);
        this.context.push(() => {
          const { sheet, area } = this._target();
          const height = area.bottom - area.top + 1, width = area.right - area.left + 1;
          const single = !Array.isArray(matrix);
          if (!single && (matrix.length !== height || matrix.some((r) => r.length !== width))) {
            throw fakeError('InvalidArgument', `The number of rows or columns in the input array doesn't match the size or dimensions of the range (${height}×${width}).`);
          }
          for (let r = 0; r < height; r++) {
            for (let c = 0; c < width; c++) {
              const v = single ? matrix : matrix[r][c];
              const row = area.top + r, col = area.left + c;
              if (kind === 'numberFormat') wb.setCell(sheet, row, col, { numberFormat: v });
              else if (kind === 'formulas') wb.setCell(sheet, row, col, typeof v === 'string' && v.startsWith('=') ? { formula: v, value: 0 } : Object.assign({ formula: undefined, formulaR1C1: undefined }, parseTyped(v, wb.cell(sheet, row, col).numberFormat)));
              else wb.setCell(sheet, row, col, Object.assign({ formula: undefined, formulaR1C1: undefined }, parseTyped(v, wb.cell(sheet, row, col).numberFormat)));
            }
          }
        }, json.length + 64);
      }
      set values(m) { this._write('values', m); }
      get values() { return this._get('values'); }
      set numberFormat(m) { this._write('numberFormat', m); }
      get numberFormat() { return this._get('numberFormat'); }
      set formulas(m) { this._write('formulas', m); }
      get formulas() { return this._get('formulas'); }
      getEntireColumn() {
        return new Range(this.context, () => { const t = this._target(); return { sheet: t.sheet, area: { top: 1, bottom: 1048576, left: t.area.left, right: t.area.right } }; });
      }
      getIntersection(other) {
        return new Range(this.context, () => {
          const a = this._target(), b = other._target();
          const area = { top: Math.max(a.area.top, b.area.top), left: Math.max(a.area.left, b.area.left), bottom: Math.min(a.area.bottom, b.area.bottom), right: Math.min(a.area.right, b.area.right) };
          if (area.top > area.bottom || area.left > area.right) throw fakeError('InvalidArgument', 'The ranges do not intersect.');
          return { sheet: a.sheet, area };
        });
      }
      getCell(row, column) {
        return new Range(this.context, () => { const t = this._target(); const r = t.area.top + row, c = t.area.left + column; return { sheet: t.sheet, area: { top: r, bottom: r, left: c, right: c } }; });
      }
      removeDuplicates(columns, includesHeader) {
        const result = new RemoveDuplicatesResult(this.context);
        this.context.push(() => {
          const { sheet, area } = this._target();
          result._removed = removeDuplicateRows(sheet, area, columns, includesHeader);
        });
        return result;
      }
    }
    scalar(Range.prototype, ['address', 'rowIndex', 'columnIndex', 'rowCount', 'columnCount', 'valueTypes', 'formulasR1C1', 'text', 'isNullObject']);

    class RemoveDuplicatesResult extends ClientObject {
      _snapshot() { return { removed: this._removed, uniqueRemaining: 0 }; }
    }
    scalar(RemoveDuplicatesResult.prototype, ['removed', 'uniqueRemaining']);

    function sortArea(sheet, area, fields, hasHeaders) {
      const top = hasHeaders ? area.top + 1 : area.top;
      const rows = [];
      for (let r = top; r <= area.bottom; r++) {
        const row = [];
        for (let c = area.left; c <= area.right; c++) row.push(wb.cell(sheet, r, c));
        rows.push(row);
      }
      const from = new Map(rows.map((row, i) => [row, i]));
      rows.sort((a, b) => {
        for (const f of fields) {
          const d = compareForSort(shownValue(a[f.key]), shownValue(b[f.key]));
          if (d !== 0) return f.ascending === false ? -d : d;
        }
        return from.get(a) - from.get(b);
      });
      rows.forEach((row, i) => row.forEach((cell, j) => {
        const delta = i - from.get(row);
        const moved = cell.formula && delta !== 0 ? Object.assign({}, cell, { formula: shiftRows(cell.formula, delta) }) : cell;
        sheet.cells.set(`${top + i},${area.left + j}`, moved);
      }));
    }

    /** Shifts the relative row numbers of A1 references (not $-anchored ones) by delta. */
    function shiftRows(formula, delta) {
      return formula.replace(/(^|[^A-Za-z0-9_.$])(\$?[A-Z]{1,3})(\d+)(?![\d(A-Za-z_])/g, (m, pre, col, row) => `${pre}${col}${Number(row) + delta}`);
    }

    function removeDuplicateRows(sheet, area, columns, includesHeader) {
      const top = includesHeader ? area.top + 1 : area.top;
      const seen = new Set();
      const kept = [];
      let removed = 0;
      for (let r = top; r <= area.bottom; r++) {
        const row = [];
        for (let c = area.left; c <= area.right; c++) row.push(wb.cell(sheet, r, c));
        const key = JSON.stringify(columns.map((i) => String(shownValue(row[i])).toLowerCase()));
        if (seen.has(key)) { removed++; continue; }
        seen.add(key);
        kept.push(row);
      }
      for (let r = top; r <= area.bottom; r++) {
        for (let c = area.left; c <= area.right; c++) {
          const row = kept[r - top];
          if (row) sheet.cells.set(`${r},${c}`, row[c - area.left]);
          else sheet.cells.delete(`${r},${c}`);
        }
      }
      for (const t of wb.tables) if (t.sheet === sheet && t.area.top === area.top) t.area = Object.assign({}, t.area, { bottom: t.area.bottom - removed });
      return removed;
    }

    // ---- tables
    class TableCollection extends ClientObject {
      constructor(ctx, resolveSheet) { super(ctx); this._resolveSheet = resolveSheet; }
      _list() { const s = this._resolveSheet ? this._resolveSheet() : null; return wb.tables.filter((t) => !s || t.sheet === s); }
      _snapshot() { return { items: this._list().map((t) => { const x = new Table(this.context, () => t); x._loaded = x._snapshot(); return x; }), count: this._list().length }; }
      get items() { return this._get('items'); }
      getItem(name) {
        return new Table(this.context, () => {
          const t = wb.tables.find((x) => x.name.toLowerCase() === name.toLowerCase());
          if (!t) throw fakeError('ItemNotFound', `The table "${name}" does not exist.`);
          return t;
        });
      }
      add(address, hasHeaders) {
        let created;
        this.context.push(() => {
          const sheet = this._resolveSheet ? this._resolveSheet() : wb.sheet(address.slice(0, address.lastIndexOf('!')).replace(/^'|'$/g, ''));
          const area = parseArea(address);
          created = { name: `Table${wb.tables.length + 1}`, sheet, area, hasHeaders, sortFields: [], matchCase: false, filters: {} };
          if (!hasHeaders) throw fakeError('InvalidArgument', 'The fake only supports tables with headers.');
          wb.tables.push(created);
        }, 64);
        return new Table(this.context, () => created);
      }
    }
    class Table extends ClientObject {
      constructor(ctx, resolve) {
        super(ctx);
        this._resolve = resolve;
        const self = this;
        this.sort = new (class extends ClientObject {
          _snapshot() { const t = self._resolve(); return { fields: t.sortFields.slice(), matchCase: t.matchCase, method: 'PinYin' }; }
          apply(fields, matchCase) {
            ctx.push(() => { const t = self._resolve(); t.sortFields = fields.map((f) => Object.assign({ ascending: true, sortOn: 'Value' }, f)); t.matchCase = Boolean(matchCase); sortArea(t.sheet, t.area, fields, true); });
          }
          get fields() { return this._get('fields'); }
          get matchCase() { return this._get('matchCase'); }
        })(ctx);
        this.columns = new TableColumnCollection(ctx, resolve);
        this.worksheet = new Worksheet(ctx, () => this._resolve().sheet);
      }
      _snapshot() { const t = this._resolve(); return { name: t.name, showHeaders: true, showTotals: false, id: t.name }; }
      set name(v) { this.context.push(() => { const t = this._resolve(); if (wb.tables.some((x) => x !== t && x.name.toLowerCase() === v.toLowerCase())) throw fakeError('InvalidArgument', `A table named ${v} already exists.`); t.name = v; }); }
      get name() { return this._get('name'); }
      getRange() { return new Range(this.context, () => { const t = this._resolve(); return { sheet: t.sheet, area: t.area }; }); }
      getHeaderRowRange() { return new Range(this.context, () => { const t = this._resolve(); return { sheet: t.sheet, area: Object.assign({}, t.area, { bottom: t.area.top }) }; }); }
      getDataBodyRange() { return new Range(this.context, () => { const t = this._resolve(); return { sheet: t.sheet, area: Object.assign({}, t.area, { top: t.area.top + 1 }) }; }); }
    }
    scalar(Table.prototype, ['showHeaders', 'showTotals', 'id']);

    class TableColumnCollection extends ClientObject {
      constructor(ctx, resolveTable) { super(ctx); this._resolveTable = resolveTable; }
      _cols() { const t = this._resolveTable(); const out = []; for (let c = t.area.left; c <= t.area.right; c++) out.push({ t, index: c - t.area.left, name: String(shownValue(wb.cell(t.sheet, t.area.top, c))) }); return out; }
      _snapshot() { return { items: this._cols().map((c) => { const x = new TableColumn(this.context, () => c); x._loaded = x._snapshot(); return x; }), count: this._cols().length }; }
      get items() { return this._get('items'); }
      getItemAt(i) { return new TableColumn(this.context, () => this._cols()[i]); }
    }
    class TableColumn extends ClientObject {
      constructor(ctx, resolve) {
        super(ctx);
        this._resolve = resolve;
        const self = this;
        this.filter = new (class extends ClientObject {
          _snapshot() { const c = self._resolve(); return { criteria: c.t.filters[c.index] || { filterOn: undefined } }; }
          apply(criteria) { ctx.push(() => { const c = self._resolve(); c.t.filters[c.index] = criteria; }); }
          get criteria() { return this._get('criteria'); }
        })(ctx);
      }
      _snapshot() { const c = this._resolve(); return { name: c.name, index: c.index, id: c.index + 1 }; }
    }
    scalar(TableColumn.prototype, ['name', 'index', 'id']);

    class AutoFilter extends ClientObject {
      constructor(ctx, resolveSheet) { super(ctx); this._resolveSheet = resolveSheet; }
      _snapshot() { const f = this._resolveSheet().autoFilter; return { enabled: Boolean(f), criteria: f ? f.criteria : [], isDataFiltered: Boolean(f) }; }
      apply(range, columnIndex, criteria) {
        this.context.push(() => {
          const t = range._target();
          const s = this._resolveSheet();
          const width = t.area.right - t.area.left + 1;
          if (!s.autoFilter) s.autoFilter = { area: t.area, criteria: Array.from({ length: width }, () => ({ filterOn: undefined })) };
          s.autoFilter.criteria[columnIndex] = criteria;
        });
      }
      getRangeOrNullObject() { return new Range(this.context, () => { const s = this._resolveSheet(); return s.autoFilter ? { sheet: s, area: s.autoFilter.area } : null; }); }
    }
    scalar(AutoFilter.prototype, ['enabled', 'criteria', 'isDataFiltered']);

    // ---- pivots
    function tableRows(t) {
      const header = [];
      for (let c = t.area.left; c <= t.area.right; c++) header.push(String(shownValue(wb.cell(t.sheet, t.area.top, c))));
      const rows = [];
      for (let r = t.area.top + 1; r <= t.area.bottom; r++) {
        const row = {};
        header.forEach((h, i) => { row[h] = shownValue(wb.cell(t.sheet, r, t.area.left + i)); });
        rows.push(row);
      }
      return rows;
    }
    /** Compact layout with one row field and value fields: "Row Labels", values..., "Grand Total". */
    function renderPivot(p) {
      const sheet = p.sheet;
      if (p.drawn) for (const key of p.drawn) sheet.cells.delete(key);
      p.drawn = [];
      const put = (r, c, v) => { wb.setCell(sheet, r, c, { value: v, formula: undefined }); p.drawn.push(`${r},${c}`); };
      const rows = tableRows(p.source);
      const rowField = p.rows[0] ? p.rows[0].field : undefined;
      const groups = new Map();
      for (const row of rows) {
        const label = rowField ? row[rowField] : 'Total';
        const key = typeof label === 'string' ? label.toLowerCase() : label;
        if (!groups.has(key)) groups.set(key, { label, rows: [] });
        groups.get(key).rows.push(row);
      }
      const sorted = [...groups.values()].sort((a, b) => compareForSort(a.label, b.label));
      const agg = (list, d) => {
        const vals = list.map((r) => r[d.field]);
        const nums = vals.filter((v) => typeof v === 'number');
        switch (d.summarizeBy) {
          case 'Count': return vals.filter((v) => v !== '').length;
          case 'Average': return nums.length ? nums.reduce((a, b) => a + b, 0) / nums.length : { error: '#DIV/0!' };
          case 'Max': return nums.length ? Math.max(...nums) : 0;
          case 'Min': return nums.length ? Math.min(...nums) : 0;
          default: return nums.reduce((a, b) => a + b, 0);
        }
      };
      const top = p.top, left = p.left;
      put(top, left, 'Row Labels');
      p.data.forEach((d, j) => put(top, left + 1 + j, d.name));
      sorted.forEach((g, i) => {
        put(top + 1 + i, left, g.label);
        p.data.forEach((d, j) => put(top + 1 + i, left + 1 + j, agg(g.rows, d)));
      });
      const last = top + 1 + sorted.length;
      put(last, left, 'Grand Total');
      p.data.forEach((d, j) => put(last, left + 1 + j, agg(rows, d)));
      p.area = { top, left, bottom: last, right: left + Math.max(p.data.length, 1) };
    }
    class PivotTableCollection extends ClientObject {
      constructor(ctx, resolveSheet) { super(ctx); this._resolveSheet = resolveSheet; }
      _list() { const s = this._resolveSheet(); return wb.pivots.filter((p) => p.sheet === s); }
      _snapshot() { return { items: this._list().map((p) => { const x = new PivotTable(this.context, () => p); x._loaded = x._snapshot(); return x; }) }; }
      get items() { return this._get('items'); }
      add(name, source, destination) {
        let created;
        this.context.push(() => {
          if (!(source instanceof Table)) throw fakeError('InvalidArgument', 'The fake builds pivots over tables only.');
          const dest = destination._target();
          created = { name, sheet: dest.sheet, source: source._resolve(), top: dest.area.top, left: dest.area.left, rows: [], columns: [], data: [], filters: [] };
          wb.pivots.push(created);
        }, 64);
        return new PivotTable(this.context, () => created);
      }
    }
    class Hierarchies {
      constructor(ctx, resolvePivot, kind) { this.context = ctx; this._resolvePivot = resolvePivot; this._kind = kind; this._loaded = null; }
      load() { this.context.push(() => { const p = this._resolvePivot(); this._loaded = { items: (p[this._kind] || []).map((h) => hierarchyObject(this.context, p, this._kind, h)) }; }); return this; }
      get items() { if (!this._loaded) throw fakeError('PropertyNotLoaded', 'The property \'items\' is not available.'); return this._loaded.items; }
      add(h) {
        const kind = this._kind;
        let entry;
        this.context.push(() => {
          const p = this._resolvePivot();
          const field = h._field;
          entry = kind === 'data' ? { field, name: `Sum of ${field}`, summarizeBy: 'Sum' } : { field, name: field };
          p[kind].push(entry);
          renderPivot(p);
        });
        if (kind !== 'data') return {};
        const self = this;
        const data = { context: this.context };
        Object.defineProperty(data, 'summarizeBy', {
          set(v) { self.context.push(() => { entry.summarizeBy = v; entry.name = `${v} of ${entry.field}`; renderPivot(self._resolvePivot()); }); },
        });
        return data;
      }
      getItem(name) { return { _field: name }; }
    }
    function hierarchyObject(ctx, p, kind, h) {
      return { name: h.name, summarizeBy: h.summarizeBy, field: { name: h.field }, _field: h.field };
    }
    class PivotTable extends ClientObject {
      constructor(ctx, resolve) {
        super(ctx);
        this._resolve = resolve;
        this.rowHierarchies = new Hierarchies(ctx, resolve, 'rows');
        this.columnHierarchies = new Hierarchies(ctx, resolve, 'columns');
        this.dataHierarchies = new Hierarchies(ctx, resolve, 'data');
        this.filterHierarchies = new Hierarchies(ctx, resolve, 'filters');
        this.hierarchies = { getItem: (name) => ({ _field: name }) };
        this.layout = { getRange: () => new Range(ctx, () => { const p = this._resolve(); return { sheet: p.sheet, area: p.area || { top: p.top, left: p.left, bottom: p.top, right: p.left } }; }) };
      }
      _snapshot() { const p = this._resolve(); return { name: p.name, id: p.name }; }
      getDataSourceString() {
        const result = { value: undefined };
        this.context.push(() => { result.value = this._resolve().source.name; });
        return result;
      }
    }
    scalar(PivotTable.prototype, ['name', 'id']);

    // ---------------------------------------------------------------- Excel, Office, test api
    const Excel = {
      async run(a, b) {
        const batch = typeof a === 'function' ? a : b;
        const ctx = typeof a === 'function' ? new Context() : a;
        const result = await batch(ctx);
        await ctx.sync();
        return result;
      },
      RequestContext: Context,
    };

    const dialog = { nextMessage: null, nextError: null };
    const Office = {
      HostType: { Excel: 'Excel' },
      AsyncResultStatus: { Succeeded: 'succeeded', Failed: 'failed' },
      EventType: { DialogMessageReceived: 'dialogMessageReceived', DialogEventReceived: 'dialogEventReceived' },
      onReady(cb) {
        const info = { host: 'Excel', platform: 'OfficeOnline' };
        if (cb) cb(info);
        return Promise.resolve(info);
      },
      context: {
        requirements: {
          isSetSupported(name, version) {
            if (name !== 'ExcelApi') return false;
            const minor = Number(String(version || '1.1').split('.')[1] || 0);
            return minor <= opts.maxApiVersion;
          },
        },
        ui: {
          displayDialogAsync(url, _options, callback) {
            log.dialogs.push(url);
            if (dialog.nextError) { callback({ status: 'failed', error: { code: dialog.nextError, message: 'dialog error' } }); return; }
            const handlers = {};
            const d = { addEventHandler(type, h) { handlers[type] = h; }, close() {} };
            callback({ status: 'succeeded', value: d });
            setTimeout(() => {
              const message = typeof dialog.nextMessage === 'function' ? dialog.nextMessage(url) : dialog.nextMessage;
              if (message !== null && handlers.dialogMessageReceived) handlers.dialogMessageReceived({ message, origin: undefined });
            }, 10);
          },
          messageParent() {},
        },
      },
    };

    const api = {
      workbook: wb,
      log,
      dialog,
      flags,
      addSheet: (name) => wb.addSheet(name),
      /** Sets cells from a 2D array of plain values (strings starting with "=" are formulas without a cached value). */
      setValues(sheetName, topLeft, rows) {
        const sheet = wb.sheet(sheetName);
        const at = parseArea(topLeft);
        rows.forEach((row, i) => row.forEach((v, j) => {
          const cell = v && typeof v === 'object' && !('error' in v) ? v : { value: v === null ? '' : v };
          wb.setCell(sheet, at.top + i, at.left + j, Object.assign({ numberFormat: 'General' }, cell));
        }));
      },
      /** Puts a formula down a column as Excel stores it: A1 per cell, one R1C1, and the values Excel computed. */
      setFormulaColumn(sheetName, topCell, formulasA1, formulaR1C1, values) {
        const sheet = wb.sheet(sheetName);
        const at = parseArea(topCell);
        formulasA1.forEach((f, i) => wb.setCell(sheet, at.top + i, at.left, { formula: f, formulaR1C1, value: values[i] }));
      },
      addTable(sheetName, address, name) {
        const sheet = wb.sheet(sheetName);
        const t = { name, sheet, area: parseArea(address), hasHeaders: true, sortFields: [], matchCase: false, filters: {} };
        wb.tables.push(t);
        return t;
      },
      resizeTable(name, address) {
        const t = wb.tables.find((x) => x.name === name);
        t.area = parseArea(address);
      },
      select(sheetName, address) { wb.selection = { sheet: sheetName, address }; },
      /** Fires worksheet.onChanged as Excel does after an edit. */
      async fireChanged(sheetName, address, changeType) {
        const sheet = wb.sheet(sheetName);
        if (!flags.enableEvents) return;
        const event = { address, changeType: changeType || 'RangeEdited', worksheetId: sheet.id, source: 'Local', type: 'WorksheetChanged', triggerSource: 'Unknown' };
        await Promise.all(sheet.handlers.map((h) => h(event)));
      },
      /** Plain view of a sheet: { address: {value, formula, numberFormat} } for non-empty cells. */
      dump(sheetName) {
        const sheet = wb.sheet(sheetName);
        const out = {};
        for (const [key, c] of sheet.cells) {
          const [r, col] = key.split(',').map(Number);
          if (c.value === '' && !c.formula) continue;
          out[`${colLetters(col)}${r}`] = { value: shownValue(c), type: valueTypeOf(c.value), formula: c.formula, numberFormat: c.numberFormat };
        }
        return out;
      },
      /** Values of a sheet's used range, as a 2D array. */
      grid(sheetName) {
        const sheet = wb.sheet(sheetName);
        const area = wb.usedArea(sheet, true);
        if (!area) return [];
        const out = [];
        for (let r = area.top; r <= area.bottom; r++) {
          const row = [];
          for (let c = area.left; c <= area.right; c++) row.push(shownValue(wb.cell(sheet, r, c)));
          out.push(row);
        }
        return out;
      },
      sheetNames: () => wb.sheets.map((s) => s.name),
      tables: () => wb.tables.map((t) => ({ name: t.name, sheet: t.sheet.name, address: areaA1(t.area) })),
    };

    return { Office, Excel, workbook: wb, api };
  }

  if (typeof module !== 'undefined' && module.exports) {
    module.exports = { createFakeOffice, parseArea, areaA1 };
  }
  if (typeof window !== 'undefined' && !window.Office) {
    const fake = createFakeOffice(window.__fakeOfficeOptions || {});
    window.Office = fake.Office;
    window.Excel = fake.Excel;
    window.fakeOffice = fake.api;
    // office.js nulls these (the task pane must restore them); do the same so that the restore is exercised.
    window.history.pushState = null;
    window.history.replaceState = null;
    if (typeof window.__fakeOfficeSetup === 'function') window.__fakeOfficeSetup(fake.api);
  }
})();
