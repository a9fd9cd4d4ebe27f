/**
 * The recording: what was captured live, what the recorder made of the sample (steps, refusals),
 * and the user's curation of the step list (delete, reorder, rename). Steps are identified across
 * re-recordings by where they came from (stepKey), since the recorder renumbers ids.
 */
import type { SheetscaleConfig, Step } from '../../../config/types.generated';
import type { CapturedFormula } from '../../../office/change-capture';
import type { Recording, RefusedItem } from '../../../recorder/record';

export interface RecordingState {
  recording: boolean;
  /** Formulas seen while recording, latest per column (shown until the recorder has run). */
  captured: CapturedFormula[];
  /** The last recorder result (config, samples, Excel's cached values). */
  result: Recording | null;
  /** Keys in the user's order. */
  order: string[];
  deleted: string[];
  /** Output column renames chosen by the user, by step key. */
  renames: Record<string, string>;
  /** Steps the pane recorded itself (Excel keeps no trace of them, e.g. Remove Duplicates). */
  manual: Step[];
  /** Set when the recorder failed (no sample, no header row...). */
  error: string | null;
}

export const initialRecording: RecordingState = {
  recording: false, captured: [], result: null, order: [], deleted: [], renames: {}, manual: [], error: null,
};

export type RecordingAction =
  | { type: 'recording/started' }
  | { type: 'recording/stopped' }
  | { type: 'recording/captured'; formulas: CapturedFormula[] }
  | { type: 'recording/recorded'; result: Recording }
  | { type: 'recording/failed'; message: string }
  | { type: 'recording/manualStep'; step: Step }
  | { type: 'recording/deleted'; key: string }
  | { type: 'recording/moved'; key: string; by: -1 | 1 }
  | { type: 'recording/renamed'; key: string; column: string }
  | { type: 'recording/cleared' };

/** Where a step came from: stable across re-recordings of the same workbook. */
export function stepKey(step: Step): string {
  const p = step.provenance;
  const what = 'column' in step && typeof step.column === 'string' ? step.column : 'name' in step ? step.name : '';
  return `${step.op}|${p.sheet}|${p.cell ?? p.range ?? p.action ?? ''}|${what}`;
}

/** Every step (recorder's and the pane's own), in the user's order, without deleted ones. */
export function visibleSteps(state: RecordingState): Step[] {
  const all = new Map<string, Step>();
  for (const s of state.result?.config.steps ?? []) all.set(stepKey(s), s);
  for (const s of state.manual) all.set(stepKey(s), s);
  const ordered: Step[] = [];
  const seen = new Set<string>();
  for (const key of state.order) {
    const s = all.get(key);
    if (s && !state.deleted.includes(key)) ordered.push(s);
    seen.add(key);
  }
  for (const [key, s] of all) if (!seen.has(key) && !state.deleted.includes(key)) ordered.push(s);
  return ordered;
}

/** The refusals of the last recording: formulas left out, with why. */
export function refusedItems(state: RecordingState): RefusedItem[] {
  return state.result?.refused ?? [];
}

const outputColumn = (s: Step): string | undefined => ('column' in s && typeof s.column === 'string' ? s.column : undefined);

/** The config to verify and run: the user's steps, renames as a final step, dropped columns removed from the output. */
export function curatedConfig(state: RecordingState): SheetscaleConfig | null {
  const base = state.result?.config;
  if (!base) return null;
  const steps = visibleSteps(state);
  const kept = new Set(steps.map(outputColumn).filter((c): c is string => Boolean(c)));
  const dropped = new Set((base.steps ?? []).map(outputColumn).filter((c): c is string => Boolean(c) && !kept.has(c as string)));
  const renames = Object.entries(state.renames)
    .map(([key, to]) => ({ from: outputColumn(steps.find((s) => stepKey(s) === key) ?? ({} as Step)), to }))
    .filter((r): r is { from: string; to: string } => Boolean(r.from) && r.from !== r.to && r.to.trim() !== '');
  const config: SheetscaleConfig = { ...base, steps: [...steps] };
  if (renames.length) {
    config.steps = [...config.steps, {
      op: 'renameColumns',
      id: 'renames',
      provenance: { sheet: steps[0]?.provenance.sheet ?? base.sources[0]?.sheet ?? 'Sheet1', action: 'Rename columns (task pane)' },
      renames,
    }];
  }
  if (base.output.columns) {
    const renamed = new Map(renames.map((r) => [r.from, r.to]));
    config.output = { ...base.output, columns: base.output.columns.filter((c) => !dropped.has(c)).map((c) => renamed.get(c) ?? c) };
  }
  return config;
}

export function recordingReducer(state: RecordingState, action: RecordingAction): RecordingState {
  switch (action.type) {
    case 'recording/started':
      return { ...state, recording: true, error: null };
    case 'recording/stopped':
      return { ...state, recording: false };
    case 'recording/captured': {
      const byColumn = new Map(state.captured.map((c) => [`${c.sheet}|${c.column}`, c]));
      for (const f of action.formulas) byColumn.set(`${f.sheet}|${f.column}`, f);
      return { ...state, captured: [...byColumn.values()] };
    }
    case 'recording/recorded': {
      const known = new Set(state.order);
      const order = [...state.order];
      for (const s of [...action.result.config.steps, ...state.manual]) {
        const key = stepKey(s);
        if (!known.has(key)) {
          order.push(key);
          known.add(key);
        }
      }
      return { ...state, result: action.result, order, error: null };
    }
    case 'recording/failed':
      return { ...state, error: action.message };
    case 'recording/manualStep':
      return { ...state, manual: [...state.manual, action.step], order: [...state.order, stepKey(action.step)] };
    case 'recording/deleted':
      return { ...state, deleted: [...state.deleted, action.key] };
    case 'recording/moved': {
      const visible = visibleSteps(state).map(stepKey);
      const i = visible.indexOf(action.key);
      const j = i + action.by;
      if (i < 0 || j < 0 || j >= visible.length) return state;
      [visible[i], visible[j]] = [visible[j] as string, visible[i] as string];
      return { ...state, order: [...visible, ...state.order.filter((k) => !visible.includes(k))] };
    }
    case 'recording/renamed':
      return { ...state, renames: { ...state.renames, [action.key]: action.column } };
    case 'recording/cleared':
      return initialRecording;
  }
}
