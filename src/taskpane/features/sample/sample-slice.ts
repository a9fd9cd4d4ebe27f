/** The sample: which table or range the steps are recorded on, and the dataset it stands for. */
import type { Dataset } from '../../../api/types';
import type { SampleTarget } from '../../../office/sample-target';

export interface SampleState {
  datasets: Dataset[];
  target: SampleTarget | null;
  /** Catalog dataset the sample stands for (the main source's binding). */
  datasetId: string | null;
}

export const initialSample: SampleState = { datasets: [], target: null, datasetId: null };

export type SampleAction =
  | { type: 'sample/datasetsLoaded'; datasets: Dataset[] }
  | { type: 'sample/targetChosen'; target: SampleTarget | null }
  | { type: 'sample/datasetBound'; datasetId: string | null };

export function sampleReducer(state: SampleState, action: SampleAction): SampleState {
  switch (action.type) {
    case 'sample/datasetsLoaded':
      return { ...state, datasets: action.datasets };
    case 'sample/targetChosen':
      return { ...state, target: action.target };
    case 'sample/datasetBound':
      return { ...state, datasetId: action.datasetId };
  }
}
