import { generateLocalIssuerKeys, signLocalToken } from '../src/local-issuer';
import { makeTestApp, type TestApp } from './helpers';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(async () => t.close());

const me = (token?: string) => t.app.inject({ method: 'GET', url: '/v1/me', headers: token ? { authorization: `Bearer ${token}` } : {} });

test('a token from the local issuer identifies the user and her groups', async () => {
  const r = await me(t.token('alice', ['finance']));
  expect(r.statusCode).toBe(200);
  expect(r.json()).toEqual({ user: 'alice', groups: ['finance'], admin: false });
  expect((await me(t.token('root', ['admin']))).json()).toMatchObject({ admin: true });
});

test('no token → 401 with a JSON error', async () => {
  const r = await me();
  expect(r.statusCode).toBe(401);
  expect(r.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.stringContaining('Bearer') } });
  expect((await t.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: 'Basic abc' } })).statusCode).toBe(401);
});

test('forged (other key), expired, wrong-client, wrong-token-use and garbage tokens → 401', async () => {
  const forged = signLocalToken(generateLocalIssuerKeys(), { user: 'mallory', groups: ['admin'], ttlSeconds: 3600, issuer: 'sheetscale-local', clientId: 'sheetscale-addin' });
  const expired = t.token('alice', ['finance'], { issuedAt: Math.floor(Date.now() / 1000) - 7200, ttlSeconds: 60 });
  const wrongClient = t.token('alice', ['finance'], { clientId: 'another-app' });
  const accessToken = t.token('alice', ['finance'], { tokenUse: 'access' });
  for (const [token, why] of [
    [forged, /kid|signed/i],
    [expired, /expired/i],
    [wrongClient, /audience/i],
    [accessToken, /token_use/],
    ['not.a.jwt', /.+/],
  ] as const) {
    const r = await me(token);
    expect(r.statusCode).toBe(401);
    expect(r.json().error.message).toMatch(why);
  }
  // A token signed by the right key but claiming another issuer is rejected too.
  const otherIssuer = signLocalToken(t.services.localKeys!, { user: 'alice', groups: [], ttlSeconds: 60, issuer: 'https://evil.example', clientId: 'sheetscale-addin' });
  expect((await me(otherIssuer)).statusCode).toBe(401);
});

test('health, readiness, metrics and the OpenAPI document need no token', async () => {
  expect((await t.app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
  expect((await t.app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
  const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
  expect(metrics.body).toContain('sheetscale_queue_depth 0');
  const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
  expect(doc.openapi).toMatch(/^3\./);
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/jobs', '/v1/jobs/{id}', '/v1/jobs/{id}/rows', '/v1/datasets/{id}/sample', '/v1/preview', '/v1/uploads', '/health']));
  expect(doc.paths['/v1/jobs'].post.security).toEqual([{ bearerAuth: [] }]);
  expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Job', 'Error']));
  expect(doc.components.schemas.Job.properties.state.enum).toEqual(['queued', 'running', 'succeeded', 'failed', 'cancelled', 'dead']);
});

test('CORS answers only the configured add-in origins', async () => {
  const ok = await t.app.inject({ method: 'OPTIONS', url: '/v1/jobs', headers: { origin: 'https://localhost:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,idempotency-key' } });
  expect(ok.headers['access-control-allow-origin']).toBe('https://localhost:3000');
  const evil = await t.app.inject({ method: 'OPTIONS', url: '/v1/jobs', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
  expect(evil.headers['access-control-allow-origin']).toBeUndefined();
});

test('unknown routes and bad JSON get JSON errors; 5xx never leaks internals', async () => {
  const nf = await t.app.inject({ method: 'GET', url: '/v1/nope', headers: { authorization: `Bearer ${t.token('a', [])}` } });
  expect(nf.statusCode).toBe(404);
  expect(nf.json().error.code).toBe('NOT_FOUND');
  const bad = await t.app.inject({ method: 'POST', url: '/v1/jobs', headers: { authorization: `Bearer ${t.token('a', [])}`, 'content-type': 'application/json' }, payload: '{"config": ' });
  expect(bad.statusCode).toBe(400);
  expect(bad.json().error.code).toBe('BAD_REQUEST');
  const spy = jest.spyOn(t.services.store, 'list').mockImplementation(() => {
    throw new Error('SQLITE_CORRUPT: /secret/path/sheetscale.db');
  });
  const boom = await t.app.inject({ method: 'GET', url: '/v1/jobs', headers: { authorization: `Bearer ${t.token('a', [])}` } });
  spy.mockRestore();
  expect(boom.statusCode).toBe(500);
  expect(boom.json().error.code).toBe('INTERNAL');
  expect(boom.body).not.toContain('secret');
  expect(boom.json().error.message).toContain(String(boom.headers['x-request-id']));
});
