import { cellFromText, cellToText, guessColumnType, isCellValue, isoDateToSerial, serialToIsoDate } from '../src/excel-values';
import { parseCsv, writeCsv } from '../src/csv';

// Serial numbers from Microsoft's documentation: "January 1, 2008 is serial number 39448 because
// it is 39,447 days after January 1, 1900" (support.microsoft.com, DATE function), and
// =DATEVALUE("8/22/2011") → 40777 (DATEVALUE function). Excel's 1900 system counts a 29 February
// 1900 (serial 60), so 28 Feb 1900 is 59 and 1 Mar 1900 is 61.
test('ISO dates ↔ 1900-system serial numbers', () => {
  expect(isoDateToSerial('1900-01-01')).toBe(1);
  expect(isoDateToSerial('2008-01-01')).toBe(39448);
  expect(isoDateToSerial('2011-08-22')).toBe(40777);
  expect(isoDateToSerial('1900-02-28')).toBe(59);
  expect(isoDateToSerial('1900-03-01')).toBe(61);
  expect(isoDateToSerial('2011-08-22T12:00')).toBe(40777.5);
  expect(isoDateToSerial('2023-02-29')).toBeNull();
  expect(serialToIsoDate(40777.5)).toBe('2011-08-22');
  expect(serialToIsoDate(61)).toBe('1900-03-01');
  expect(serialToIsoDate(60)).toBeNull();
});

test('file text → cell by column type', () => {
  expect(cellFromText('', 'number')).toBeNull();
  expect(cellFromText('-1.5e3', 'number')).toBe(-1500);
  expect(cellFromText('1,2x', 'number')).toEqual({ error: '#VALUE!' });
  expect(cellFromText('true', 'logical')).toBe(true);
  expect(cellFromText('007', 'text')).toBe('007');
  expect(cellFromText('#N/A', 'mixed')).toEqual({ error: '#N/A' });
  expect(cellFromText('FALSE', 'mixed')).toBe(false);
  expect(cellFromText('12', 'mixed')).toBe(12);
  expect(cellFromText('2011-08-22', 'date')).toBe(40777);
  expect(guessColumnType(['1', '', '2.5'])).toBe('number');
  expect(guessColumnType(['2024-01-31', '2024-02-29'])).toBe('date');
  expect(guessColumnType(['TRUE', 'false'])).toBe('logical');
  expect(guessColumnType(['a', '1'])).toBe('text');
});

test('cells back to CSV text, and the JSON cell check', () => {
  expect(cellToText(true)).toBe('TRUE');
  expect(cellToText(null)).toBe('');
  expect(cellToText({ error: '#DIV/0!' })).toBe('#DIV/0!');
  expect(cellToText(39448, 'date')).toBe('2008-01-01');
  expect(isCellValue({ error: '#N/A' })).toBe(true);
  expect(isCellValue({ error: '#BOGUS' })).toBe(false);
  expect(isCellValue(Number.POSITIVE_INFINITY)).toBe(false);
  expect(isCellValue([1])).toBe(false);
});

test('CSV: quotes, doubled quotes, line breaks inside fields, CRLF, BOM', () => {
  expect(parseCsv('\uFEFFa,b\r\n"x, ""y""","line\nbreak"\r\n3,\n')).toEqual([['a', 'b'], ['x, "y"', 'line\nbreak'], ['3', '']]);
  expect(parseCsv(writeCsv([['a, b', 'q"q', ' lead'], ['', 'z']]))).toEqual([['a, b', 'q"q', ' lead'], ['', 'z']]);
  expect(parseCsv('a\nb\nc\n', { maxRows: 2 })).toEqual([['a'], ['b']]);
});
