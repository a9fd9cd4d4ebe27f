/** The pane's state: one slice per feature, combined. */
import { initialRecording, recordingReducer, type RecordingAction, type RecordingState } from '../features/recording/recording-slice';
import { initialRun, runReducer, type RunAction, type RunState } from '../features/run/run-slice';
import { initialSample, sampleReducer, type SampleAction, type SampleState } from '../features/sample/sample-slice';

export interface AppState {
  sample: SampleState;
  recording: RecordingState;
  run: RunState;
}

export type AppAction = SampleAction | RecordingAction | RunAction;

export const initialAppState: AppState = { sample: initialSample, recording: initialRecording, run: initialRun };

export function appReducer(state: AppState, action: AppAction): AppState {
  if (action.type.startsWith('sample/')) return { ...state, sample: sampleReducer(state.sample, action as SampleAction) };
  if (action.type.startsWith('recording/')) return { ...state, recording: recordingReducer(state.recording, action as RecordingAction) };
  return { ...state, run: runReducer(state.run, action as RunAction) };
}

export type Dispatch = (action: AppAction) => void;
