import { sameValue, showValue, toJsonValue } from './compare-cells';

describe('sameValue', () => {
  test('numbers agree to 15 significant digits, as Excel shows them', () => {
    expect(sameValue(0.3, 0.1 + 0.2)).toBe(true);
    expect(sameValue(0.1 + 0.2, 0.3)).toBe(true);
    expect(sameValue(2.2, 2.21)).toBe(false);
    expect(sameValue(1, 1.0000001)).toBe(false);
  });

  test('text is compared case-sensitively, errors by code, kinds never mixed', () => {
    expect(sameValue('OK', 'ok')).toBe(false);
    expect(sameValue({ error: '#N/A' }, { error: '#N/A' })).toBe(true);
    expect(sameValue({ error: '#N/A' }, { error: '#VALUE!' })).toBe(false);
    expect(sameValue({ error: '#N/A' }, '#N/A')).toBe(false);
    expect(sameValue(null, 0)).toBe(false);
    expect(sameValue(1, '1')).toBe(false);
    expect(sameValue(true, 1)).toBe(false);
  });

  test('a missing value never matches', () => {
    expect(sameValue(null, undefined)).toBe(false);
    expect(sameValue(null, undefined, { blankMatchesEmptyText: true })).toBe(false);
  });

  test('blank and empty text differ unless blankMatchesEmptyText', () => {
    expect(sameValue(null, null)).toBe(true);
    expect(sameValue(null, '')).toBe(false);
    expect(sameValue('', null)).toBe(false);
    expect(sameValue(null, '', { blankMatchesEmptyText: true })).toBe(true);
    expect(sameValue('', null, { blankMatchesEmptyText: true })).toBe(true);
    expect(sameValue(null, 0, { blankMatchesEmptyText: true })).toBe(false);
  });
});

describe('toJsonValue', () => {
  test('blank is null, errors are {error}, the rest their value', () => {
    expect(toJsonValue({ kind: 'blank' })).toBeNull();
    expect(toJsonValue({ kind: 'error', value: '#DIV/0!' })).toEqual({ error: '#DIV/0!' });
    expect(toJsonValue({ kind: 'number', value: 1.5 })).toBe(1.5);
    expect(toJsonValue({ kind: 'text', value: '' })).toBe('');
    expect(toJsonValue({ kind: 'logical', value: false })).toBe(false);
  });
});

describe('showValue', () => {
  test('shows a value as a report line reads it', () => {
    expect(showValue('x')).toBe('"x"');
    expect(showValue(null)).toBe('(blank)');
    expect(showValue(undefined)).toBe('(missing)');
    expect(showValue({ error: '#N/A' })).toBe('#N/A');
    expect(showValue(0.5)).toBe('0.5');
    expect(showValue(true)).toBe('true');
  });
});
