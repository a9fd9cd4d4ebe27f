import { AuthSession } from './auth-session';
import { authorizeUrl, signInWithCognito, type CognitoSettings } from './cognito-sign-in';
import type { SignInDialog } from './dialog';
import { dialogError, SignInError } from './dialog-errors';
import { signInWithLocalToken } from './local-sign-in';
import { codeChallengeS256 } from './pkce';

const settings: CognitoSettings = {
  domain: 'https://sheetscale.auth.eu-west-1.amazoncognito.com',
  clientId: 'client123',
  redirectUri: 'https://localhost:3000/auth-callback.html',
  startUri: 'https://localhost:3000/auth-start.html',
};

function jwt(claims: Record<string, unknown>): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'RS256' })}.${b64(claims)}.sig`;
}

/** A dialog that answers like the callback page, from the authorize URL it was opened with. */
function dialogAnswering(answer: (authorize: URL) => Record<string, string | undefined>): SignInDialog & { opened: string[] } {
  const opened: string[] = [];
  return {
    opened,
    async open(url: string) {
      opened.push(url);
      const authorize = new URL(new URL(url).searchParams.get('to') ?? '');
      return JSON.stringify(answer(authorize));
    },
  };
}

function tokenEndpoint(responses: Array<{ status: number; body: unknown }>) {
  const calls: Array<{ url: string; body: URLSearchParams }> = [];
  const fetchImpl = (async (url: string, init?: RequestInit) => {
    calls.push({ url, body: new URLSearchParams(String(init?.body)) });
    const r = responses.shift() ?? { status: 500, body: {} };
    return new Response(JSON.stringify(r.body), { status: r.status, headers: { 'Content-Type': 'application/json' } });
  }) as unknown as typeof fetch;
  return { calls, fetchImpl };
}

describe('PKCE', () => {
  test('S256 challenge matches RFC 7636 appendix B', async () => {
    // RFC 7636, Appendix B: verifier → challenge.
    expect(await codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });
});

describe('signInWithCognito', () => {
  test('opens the start page on our origin, checks state, exchanges the code with the verifier', async () => {
    const dialog = dialogAnswering((a) => ({ code: 'the-code', state: a.searchParams.get('state') ?? '' }));
    const endpoint = tokenEndpoint([{ status: 200, body: { id_token: jwt({ 'cognito:username': 'alice' }), access_token: 'acc', refresh_token: 'ref', expires_in: 3600, token_type: 'Bearer' } }]);
    const tokens = await signInWithCognito(settings, dialog, endpoint.fetchImpl, () => 1_000_000);
    expect(dialog.opened[0]).toMatch(/^https:\/\/localhost:3000\/auth-start\.html\?to=/);
    const authorize = new URL(new URL(dialog.opened[0] ?? '').searchParams.get('to') ?? '');
    expect(authorize.origin + authorize.pathname).toBe('https://sheetscale.auth.eu-west-1.amazoncognito.com/oauth2/authorize');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('response_type')).toBe('code');
    const call = endpoint.calls[0];
    expect(call?.url).toBe('https://sheetscale.auth.eu-west-1.amazoncognito.com/oauth2/token');
    expect(call?.body.get('grant_type')).toBe('authorization_code');
    expect(call?.body.get('code')).toBe('the-code');
    const verifier = call?.body.get('code_verifier') ?? '';
    expect(verifier.length).toBeGreaterThanOrEqual(43);
    expect(await codeChallengeS256(verifier)).toBe(authorize.searchParams.get('code_challenge'));
    expect(tokens).toEqual({ idToken: expect.any(String), accessToken: 'acc', refreshToken: 'ref', expiresAt: 1_000_000 + 3540_000 });
  });

  test('an answer with another state is ignored and the code never exchanged', async () => {
    const dialog = dialogAnswering(() => ({ code: 'stolen', state: 'not-ours' }));
    const endpoint = tokenEndpoint([]);
    await expect(signInWithCognito(settings, dialog, endpoint.fetchImpl)).rejects.toMatchObject({ code: 'STATE_MISMATCH' });
    expect(endpoint.calls).toHaveLength(0);
  });

  test('Cognito errors and token endpoint refusals become messages', async () => {
    await expect(signInWithCognito(settings, dialogAnswering(() => ({ error: 'access_denied', error_description: 'User is disabled' })), tokenEndpoint([]).fetchImpl))
      .rejects.toThrow('Cognito did not sign you in: User is disabled.');
    const dialog = dialogAnswering((a) => ({ code: 'c', state: a.searchParams.get('state') ?? '' }));
    await expect(signInWithCognito(settings, dialog, tokenEndpoint([{ status: 400, body: { error: 'invalid_grant' } }]).fetchImpl))
      .rejects.toThrow(/Cognito refused the sign-in \(invalid_grant\)/);
  });

  test('authorizeUrl carries client, redirect and scopes', () => {
    const u = new URL(authorizeUrl(settings, 'ch', 'st'));
    expect(Object.fromEntries(u.searchParams)).toEqual({
      response_type: 'code', client_id: 'client123', redirect_uri: settings.redirectUri, scope: 'openid email profile', state: 'st', code_challenge: 'ch', code_challenge_method: 'S256',
    });
  });
});

describe('dialog errors', () => {
  test.each([
    [12004, /not on a domain this add-in trusts/],
    [12005, /uses HTTP/],
    [12006, /closed before you finished/],
    [12009, /ignore the sign-in prompt/],
    [12011, /blocked the sign-in pop-up/],
    [99999, /Office error 99999/],
  ])('%i has a message the user can act on', (code, message) => {
    const err = dialogError(code);
    expect(err).toBeInstanceOf(SignInError);
    expect(err.message).toMatch(message);
  });
});

describe('AuthSession', () => {
  test('keeps tokens in memory, refreshes once for concurrent callers, signs out', async () => {
    let now = 0;
    const dialog = dialogAnswering((a) => ({ code: 'c', state: a.searchParams.get('state') ?? '' }));
    const endpoint = tokenEndpoint([
      { status: 200, body: { id_token: jwt({ 'cognito:username': 'alice' }), access_token: 'a1', refresh_token: 'r1', expires_in: 120, token_type: 'Bearer' } },
      { status: 200, body: { id_token: jwt({ 'cognito:username': 'alice', n: 2 }), access_token: 'a2', expires_in: 3600, token_type: 'Bearer' } },
    ]);
    const session = new AuthSession({ kind: 'cognito', cognito: settings }, dialog, endpoint.fetchImpl, () => now);
    await session.signIn();
    expect(session.userName).toBe('alice');
    const first = await session.token();
    now = 61_000; // past expiresAt (120 s - 60 s of margin)
    const [a, b] = await Promise.all([session.token(), session.token()]);
    expect(a).toBe(b);
    expect(a).not.toBe(first);
    expect(endpoint.calls.map((c) => c.body.get('grant_type'))).toEqual(['authorization_code', 'refresh_token']);
    expect(endpoint.calls[1]?.body.get('refresh_token')).toBe('r1');
    session.signOut();
    expect(await session.token()).toBeNull();
  });

  test('a refused refresh signs the user out', async () => {
    let now = 0;
    const dialog = dialogAnswering((a) => ({ code: 'c', state: a.searchParams.get('state') ?? '' }));
    const endpoint = tokenEndpoint([
      { status: 200, body: { id_token: jwt({}), access_token: 'a1', refresh_token: 'r1', expires_in: 120, token_type: 'Bearer' } },
      { status: 400, body: { error: 'invalid_grant' } },
    ]);
    const session = new AuthSession({ kind: 'cognito', cognito: settings }, dialog, endpoint.fetchImpl, () => now);
    await session.signIn();
    now = 100_000;
    expect(await session.token()).toBeNull();
    expect(session.signedIn).toBe(false);
  });
});

describe('local token sign-in', () => {
  test('accepts a token from `sheetscale token` and reads its expiry', () => {
    const token = jwt({ 'cognito:username': 'bob', exp: 2000 });
    expect(signInWithLocalToken(`Bearer ${token}\n`, () => 1000_000)).toEqual({ idToken: token, accessToken: token, expiresAt: 2000_000 });
  });
  test('rejects what is not a token, and expired tokens', () => {
    expect(() => signInWithLocalToken('hello')).toThrow(/not a token/);
    expect(() => signInWithLocalToken(jwt({ exp: 1 }), () => 5000)).toThrow(/expired/);
  });
});
