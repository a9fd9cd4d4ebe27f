import { ApiClient, ApiError } from './client';

function backend(handler: (method: string, url: string, init: RequestInit) => { status: number; body?: unknown }) {
  const calls: Array<{ method: string; url: string; headers: Record<string, string>; body?: unknown }> = [];
  const fetchImpl = (async (url: string, init: RequestInit = {}) => {
    const headers = init.headers as Record<string, string>;
    calls.push({ method: String(init.method), url, headers, body: init.body ? JSON.parse(String(init.body)) : undefined });
    const r = handler(String(init.method), url, init);
    return new Response(r.body === undefined ? '' : JSON.stringify(r.body), { status: r.status });
  }) as unknown as typeof fetch;
  return { calls, fetchImpl };
}

describe('ApiClient', () => {
  test('sends the bearer token and the idempotency key, unwraps {job}', async () => {
    const b = backend(() => ({ status: 202, body: { job: { id: 'j1', state: 'queued' } } }));
    const client = new ApiClient({ baseUrl: 'http://127.0.0.1:8080/', tokens: { token: async () => 'tok' }, fetch: b.fetchImpl });
    const job = await client.submitJob({ config: { version: 1 } as never, bindings: { ledger: { dataset: 'ledger' } } }, 'key-1');
    expect(job).toEqual({ id: 'j1', state: 'queued' });
    expect(b.calls[0]).toMatchObject({ method: 'POST', url: 'http://127.0.0.1:8080/v1/jobs', headers: { Authorization: 'Bearer tok', 'Idempotency-Key': 'key-1', 'Content-Type': 'application/json' } });
  });

  test('retries once after a 401 with a refreshed token', async () => {
    const b = backend((_m, _u, init) => ((init.headers as Record<string, string>).Authorization === 'Bearer fresh' ? { status: 200, body: { datasets: [] } } : { status: 401, body: { error: { code: 'UNAUTHORIZED', message: 'expired' } } }));
    const client = new ApiClient({ baseUrl: 'http://x', tokens: { token: async () => 'old', refresh: async () => 'fresh' }, fetch: b.fetchImpl });
    expect(await client.datasets()).toEqual([]);
    expect(b.calls).toHaveLength(2);
  });

  test('errors carry the backend\'s code and message; network failures say where', async () => {
    const b = backend(() => ({ status: 409, body: { error: { code: 'IDEMPOTENCY_CONFLICT', message: 'That key was used with another body.' } } }));
    const client = new ApiClient({ baseUrl: 'http://x', tokens: { token: async () => null }, fetch: b.fetchImpl });
    await expect(client.job('a/b')).rejects.toMatchObject({ status: 409, code: 'IDEMPOTENCY_CONFLICT', message: 'That key was used with another body.' });
    expect(b.calls[0]?.url).toBe('http://x/v1/jobs/a%2Fb');
    expect(b.calls[0]?.headers.Authorization).toBeUndefined();
    const down = new ApiClient({ baseUrl: 'http://down:1', tokens: { token: async () => null }, fetch: (async () => { throw new TypeError('fetch failed'); }) as unknown as typeof fetch });
    const err = await down.me().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toMatch(/Cannot reach the sheetscale service at http:\/\/down:1 \(fetch failed\)/);
  });

  test('paged rows and previews use the contract\'s paths and bodies', async () => {
    const b = backend(() => ({ status: 200, body: { columns: [], rows: [], offset: 0, total: 0 } }));
    const client = new ApiClient({ baseUrl: 'http://x', tokens: { token: async () => 't' }, fetch: b.fetchImpl });
    await client.jobRows('j', 5000, 1000);
    await client.preview({ version: 1 } as never, { ledger: { rows: [[1, 'a', null, { error: '#N/A' }]] } });
    expect(b.calls.map((c) => `${c.method} ${c.url}`)).toEqual(['GET http://x/v1/jobs/j/rows?offset=5000&limit=1000', 'POST http://x/v1/preview']);
    expect(b.calls[1]?.body).toEqual({ config: { version: 1 }, inputs: { ledger: { rows: [[1, 'a', null, { error: '#N/A' }]] } } });
  });
});
