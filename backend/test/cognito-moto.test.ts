/**
 * Real Cognito tokens: a user pool, app clients, groups and users in moto's server; RS256 id and
 * access tokens from AdminInitiateAuth, verified by CognitoJwtVerifier (JWKS fetched from moto
 * and cached) through the service's own routes.
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { motoCredentials, startMoto, type Moto } from '../test-support/moto';
import { ledgerConfig, makeTestApp, type TestApp } from './helpers';

jest.setTimeout(60_000);

let moto: Moto;
let cognito: CognitoIdentityProviderClient;
let poolId: string;
let clientId: string;
let otherClientId: string;
let jwks: Jwks;

async function tokensFor(user: string, client: string): Promise<{ id: string; access: string }> {
  const out = await cognito.send(new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: client, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: user, PASSWORD: 'Passw0rd!Passw0rd' } }));
  return { id: out.AuthenticationResult!.IdToken!, access: out.AuthenticationResult!.AccessToken! };
}

beforeAll(async () => {
  moto = await startMoto();
  cognito = new CognitoIdentityProviderClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: motoCredentials });
  poolId = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'sheetscale' }))).UserPool!.Id!;
  const mkClient = async (name: string) =>
    (await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: name, ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
  clientId = await mkClient('addin');
  otherClientId = await mkClient('other-app');
  for (const g of ['finance', 'sales']) await cognito.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: g }));
  for (const [user, group] of [
    ['alice', 'finance'],
    ['bob', 'sales'],
  ] as const) {
    await cognito.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: user, MessageAction: 'SUPPRESS', TemporaryPassword: 'Temp0rary!Temp0rary' }));
    await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: user, Password: 'Passw0rd!Passw0rd', Permanent: true }));
    await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: user, GroupName: group }));
  }
  jwks = (await (await fetch(`${moto.endpoint}/${poolId}/.well-known/jwks.json`)).json()) as Jwks;
});
afterAll(async () => moto?.stop());

let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});
const cognitoApp = (tokenUse = 'any') => makeTestApp({ SHEETSCALE_AUTH: 'cognito', COGNITO_USER_POOL_ID: poolId, COGNITO_CLIENT_ID: clientId, COGNITO_TOKEN_USE: tokenUse, AWS_REGION: 'us-east-1' }, { cognitoJwks: jwks });
const me = (app: TestApp, token: string) => app.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}` } });

test('id and access tokens from the pool verify; groups come from cognito:groups', async () => {
  t = await cognitoApp();
  const { id, access } = await tokensFor('alice', clientId);
  expect(JSON.parse(Buffer.from(id.split('.')[0]!, 'base64url').toString()).alg).toBe('RS256');
  expect((await me(t, id)).json()).toEqual({ user: 'alice', groups: ['finance'], admin: false });
  expect((await me(t, access)).json()).toMatchObject({ user: 'alice', groups: ['finance'] });
});

test('a token of another app client, of the wrong token use, or tampered with → 401', async () => {
  t = await cognitoApp('id');
  const other = await tokensFor('alice', otherClientId);
  expect((await me(t, other.id)).statusCode).toBe(401);
  const own = await tokensFor('alice', clientId);
  const access = await me(t, own.access);
  expect(access.statusCode).toBe(401);
  expect(access.json().error.message).toMatch(/token use/i);
  const [h, p, s] = own.id.split('.');
  const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
  const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, 'cognito:groups': ['admin'] })).toString('base64url')}.${s}`;
  expect((await me(t, tampered)).statusCode).toBe(401);
});

test('a user outside the dataset’s groups gets 403 and nothing runs', async () => {
  t = await cognitoApp();
  const bob = await tokensFor('bob', clientId);
  const r = await t.app.inject({ method: 'POST', url: '/v1/jobs', headers: { authorization: `Bearer ${bob.id}` }, payload: { config: ledgerConfig() } });
  expect(r.statusCode).toBe(403);
  expect(t.services.store.list({ user: null })).toHaveLength(0);
  const alice = await tokensFor('alice', clientId);
  const ok = await t.app.inject({ method: 'POST', url: '/v1/jobs', headers: { authorization: `Bearer ${alice.id}` }, payload: { config: ledgerConfig() } });
  expect(ok.statusCode).toBe(202);
});
