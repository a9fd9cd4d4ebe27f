import type { Recording } from '../../../recorder/record';
import type { Step } from '../../../config/types.generated';
import { curatedConfig, initialRecording, recordingReducer, stepKey, visibleSteps, type RecordingAction, type RecordingState } from './recording-slice';

const formula = (id: string, cell: string, column: string): Step => ({ op: 'formula', id, column, provenance: { sheet: 'Ledger', cell, formula: '=1' }, expr: { kind: 'number', value: 1 } });

function recording(steps: Step[], outputColumns?: string[]): Recording {
  return {
    config: { version: 1, main: 'ledger', sources: [{ name: 'ledger', columns: [{ name: 'A', type: 'number' }], format: { type: 'csv' }, sheet: 'Ledger' }], steps, output: { format: 'parquet', ...(outputColumns ? { columns: outputColumns } : {}) } },
    refused: [], warnings: [], formulaCells: [], samples: [], pivots: [],
  };
}

const reduce = (state: RecordingState, ...actions: RecordingAction[]) => actions.reduce(recordingReducer, state);

test('steps keep the user\'s order and deletions across re-recordings that renumber ids', () => {
  let state = reduce(initialRecording, { type: 'recording/recorded', result: recording([formula('s1', 'C2', 'Tax'), formula('s2', 'D2', 'Net')]) });
  const net = stepKey(formula('x', 'D2', 'Net'));
  const tax = stepKey(formula('x', 'C2', 'Tax'));
  state = reduce(state, { type: 'recording/moved', key: net, by: -1 });
  expect(visibleSteps(state).map((s) => ('column' in s ? s.column : s.id))).toEqual(['Net', 'Tax']);
  // A new recording: ids renumbered, one more step.
  state = reduce(state, { type: 'recording/recorded', result: recording([formula('s1', 'C2', 'Tax'), formula('s2', 'D2', 'Net'), formula('s3', 'E2', 'Gross')]) });
  expect(visibleSteps(state).map((s) => ('column' in s ? s.column : s.id))).toEqual(['Net', 'Tax', 'Gross']);
  state = reduce(state, { type: 'recording/deleted', key: tax });
  expect(visibleSteps(state).map((s) => ('column' in s ? s.column : s.id))).toEqual(['Net', 'Gross']);
});

test('the pane\'s own steps are kept; renames become a final step; dropped columns leave the output', () => {
  const dedupe: Step = { op: 'removeDuplicates', id: 'm1', provenance: { sheet: 'Ledger', action: 'Remove Duplicates', table: 'T' }, columns: ['A'] };
  let state = reduce(initialRecording,
    { type: 'recording/manualStep', step: dedupe },
    { type: 'recording/recorded', result: recording([formula('s1', 'C2', 'Tax'), formula('s2', 'D2', 'Net')], ['A', 'Tax', 'Net']) });
  state = reduce(state,
    { type: 'recording/deleted', key: stepKey(formula('x', 'D2', 'Net')) },
    { type: 'recording/renamed', key: stepKey(formula('x', 'C2', 'Tax')), column: 'VAT' });
  const config = curatedConfig(state);
  expect(config?.steps.map((s) => s.op)).toEqual(['removeDuplicates', 'formula', 'renameColumns']);
  expect(config?.steps[2]).toMatchObject({ renames: [{ from: 'Tax', to: 'VAT' }] });
  expect(config?.output.columns).toEqual(['A', 'VAT']);
});

test('live captures keep the latest formula per column', () => {
  const c = (formula: string) => ({ sheet: 'S', cell: 'C2', range: 'C2:C9', formula, formulaR1C1: formula, consistent: true, column: 3 });
  const state = reduce(initialRecording, { type: 'recording/captured', formulas: [c('=1')] }, { type: 'recording/captured', formulas: [c('=2')] });
  expect(state.captured.map((x) => x.formula)).toEqual(['=2']);
});
