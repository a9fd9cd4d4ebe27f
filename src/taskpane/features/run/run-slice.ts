/** Running on the full data: where each source's data comes from, the current job, the history. */
import type { Job } from '../../../api/types';

/** A source's full data: a catalog dataset, or the workbook's rows uploaded with the job. */
export type SourceChoice = { kind: 'dataset'; datasetId: string } | { kind: 'upload' };

export interface RunState {
  choices: Record<string, SourceChoice>;
  job: Job | null;
  /** Kept for retries of the same submission (same key + same body → the same job). */
  idempotencyKey: string | null;
  history: Job[];
  busy: boolean;
  error: string | null;
}

export const initialRun: RunState = { choices: {}, job: null, idempotencyKey: null, history: [], busy: false, error: null };

export type RunAction =
  | { type: 'run/choice'; source: string; choice: SourceChoice }
  | { type: 'run/submitting'; idempotencyKey: string }
  | { type: 'run/job'; job: Job }
  | { type: 'run/history'; jobs: Job[] }
  | { type: 'run/failed'; message: string }
  | { type: 'run/selected'; job: Job };

export function runReducer(state: RunState, action: RunAction): RunState {
  switch (action.type) {
    case 'run/choice':
      return { ...state, choices: { ...state.choices, [action.source]: action.choice } };
    case 'run/submitting':
      return { ...state, busy: true, error: null, idempotencyKey: action.idempotencyKey };
    case 'run/job': {
      const history = [action.job, ...state.history.filter((j) => j.id !== action.job.id)];
      return { ...state, busy: false, job: action.job, history };
    }
    case 'run/history':
      return { ...state, history: action.jobs };
    case 'run/failed':
      return { ...state, busy: false, error: action.message };
    case 'run/selected':
      return { ...state, job: action.job };
  }
}
