/**
 * What the panels are given: the Excel host (never Office.js directly), the backend client and
 * the sign-in session. index.tsx wires the real ones; tests pass fakes.
 */
import type { ApiClient } from '../../api/client';
import type { ExcelHost } from '../../office/host';

export type Backend = Pick<ApiClient,
  'me' | 'datasets' | 'datasetSample' | 'validateConfig' | 'preview' | 'upload' | 'submitJob' | 'jobs' | 'job' |
  'cancelJob' | 'jobSummary' | 'jobRows' | 'jobDownload'>;

export interface Auth {
  readonly kind: 'cognito' | 'local';
  readonly signedIn: boolean;
  readonly userName: string | null;
  /** Cognito: opens the sign-in dialog; local issuer: signs in with the pasted token. */
  signIn(localToken?: string): Promise<void>;
  signOut(): void;
}

export interface Services {
  host: ExcelHost;
  backend: Backend;
  auth: Auth;
  /** A fresh idempotency key for a job submission. */
  newIdempotencyKey(): string;
  /** Polling interval of running jobs, in ms (tests shorten it). */
  pollMs?: number;
}

/** The message of any thrown value, for the pane's error bars. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
