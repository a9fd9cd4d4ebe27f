/**
 * Typed client of the sheetscale backend. Every call sends the current bearer token; a 401 is
 * retried once after asking the token source to refresh. Errors become {@link ApiError}s whose
 * message is the backend's (it names the place and what to do).
 */
import type { SheetscaleConfig } from '../config/types.generated';
import type {
  ColumnInfo, CellValue, Dataset, DatasetSample, Job, JobRequest, JobState, Me, PreviewInput,
  PreviewResult, RowsPage, RunSummary, ValidationResult,
} from './types';

/** Gives the bearer token for the next request; `refresh` is called once after a 401. */
export interface TokenSource {
  token(): Promise<string | null>;
  refresh?(): Promise<string | null>;
}

/** An error answered by the backend (or a network failure, code NETWORK). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiClientOptions {
  /** Origin (and optional path prefix) of the backend, e.g. "http://localhost:8080". */
  baseUrl: string;
  tokens: TokenSource;
  fetch?: typeof fetch;
}

type Method = 'GET' | 'POST';

export class ApiClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    // Bound so that a window.fetch keeps its receiver.
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  me(): Promise<Me> {
    return this.request('GET', '/v1/me');
  }

  async datasets(): Promise<Dataset[]> {
    return (await this.request<{ datasets: Dataset[] }>('GET', '/v1/datasets')).datasets;
  }

  datasetSample(id: string, rows = 200): Promise<DatasetSample> {
    return this.request('GET', `/v1/datasets/${encodeURIComponent(id)}/sample?rows=${rows}`);
  }

  validateConfig(config: SheetscaleConfig): Promise<ValidationResult> {
    return this.request('POST', '/v1/configs/validate', config);
  }

  preview(config: SheetscaleConfig, inputs: Record<string, PreviewInput>): Promise<PreviewResult> {
    return this.request('POST', '/v1/preview', { config, inputs });
  }

  async upload(name: string, columns: ColumnInfo[], rows: CellValue[][]): Promise<{ uploadId: string; expiresAt: string }> {
    return this.request('POST', '/v1/uploads', { name, columns, rows });
  }

  /** Submits a job; the same idempotency key with the same body gives back the same job. */
  async submitJob(request: JobRequest, idempotencyKey: string): Promise<Job> {
    return (await this.request<{ job: Job }>('POST', '/v1/jobs', request, { 'Idempotency-Key': idempotencyKey })).job;
  }

  async jobs(state?: JobState): Promise<Job[]> {
    return (await this.request<{ jobs: Job[] }>('GET', `/v1/jobs${state ? `?state=${state}` : ''}`)).jobs;
  }

  async job(id: string): Promise<Job> {
    return (await this.request<{ job: Job }>('GET', `/v1/jobs/${encodeURIComponent(id)}`)).job;
  }

  async cancelJob(id: string): Promise<Job> {
    return (await this.request<{ job: Job }>('POST', `/v1/jobs/${encodeURIComponent(id)}/cancel`)).job;
  }

  jobSummary(id: string): Promise<RunSummary> {
    return this.request('GET', `/v1/jobs/${encodeURIComponent(id)}/summary`);
  }

  jobRows(id: string, offset: number, limit: number): Promise<RowsPage> {
    return this.request('GET', `/v1/jobs/${encodeURIComponent(id)}/rows?offset=${offset}&limit=${limit}`);
  }

  jobDownload(id: string): Promise<{ url: string; expiresAt: string }> {
    return this.request('GET', `/v1/jobs/${encodeURIComponent(id)}/download`);
  }

  private async request<T>(method: Method, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    let response = await this.send(method, path, body, headers, await this.options.tokens.token());
    if (response.status === 401 && this.options.tokens.refresh) {
      const fresh = await this.options.tokens.refresh();
      if (fresh) response = await this.send(method, path, body, headers, fresh);
    }
    const text = await response.text();
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    if (!response.ok) {
      const err = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
      throw new ApiError(
        err?.message ?? `The sheetscale service answered ${response.status} to ${method} ${path}.`,
        response.status,
        err?.code ?? `HTTP_${response.status}`,
        err?.details,
      );
    }
    return parsed as T;
  }

  private async send(method: Method, path: string, body: unknown, headers: Record<string, string>, token: string | null): Promise<Response> {
    const all: Record<string, string> = { Accept: 'application/json', ...headers };
    if (token) all.Authorization = `Bearer ${token}`;
    if (body !== undefined) all['Content-Type'] = 'application/json';
    try {
      return await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers: all,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (cause) {
      throw new ApiError(
        `Cannot reach the sheetscale service at ${this.baseUrl} (${(cause as Error).message}). Check that it is running and that the add-in's backend URL is right.`,
        0,
        'NETWORK',
      );
    }
  }
}
