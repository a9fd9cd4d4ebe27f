/**
 * The signed-in session: tokens in memory, refreshed before they expire (Cognito) and given to the
 * API client as its {@link TokenSource}. One instance per task pane.
 */
import type { TokenSource } from '../api/client';
import { refreshCognitoTokens, signInWithCognito, type CognitoSettings } from './cognito-sign-in';
import type { SignInDialog } from './dialog';
import { signInWithLocalToken } from './local-sign-in';
import { decodeJwtPayload, type Tokens } from './tokens';

export type AuthSettings =
  | { kind: 'cognito'; cognito: CognitoSettings }
  | { kind: 'local' };

export class AuthSession implements TokenSource {
  private tokens: Tokens | null = null;
  private refreshing: Promise<string | null> | null = null;

  constructor(
    readonly settings: AuthSettings,
    private readonly dialog: SignInDialog,
    private readonly fetchImpl: typeof fetch = (i, init) => fetch(i, init),
    private readonly now: () => number = Date.now,
  ) {}

  get signedIn(): boolean {
    return this.tokens !== null;
  }

  /** The user name shown in the pane (from the id token; the backend decides what it means). */
  get userName(): string | null {
    if (!this.tokens) return null;
    const claims = decodeJwtPayload(this.tokens.idToken);
    const name = claims['cognito:username'] ?? claims.email ?? claims.sub;
    return typeof name === 'string' ? name : null;
  }

  /** Signs in: Cognito through the dialog, or (local issuer) with a pasted token. */
  async signIn(localToken = ''): Promise<void> {
    this.tokens = this.settings.kind === 'cognito'
      ? await signInWithCognito(this.settings.cognito, this.dialog, this.fetchImpl, this.now)
      : signInWithLocalToken(localToken, this.now);
  }

  signOut(): void {
    this.tokens = null;
  }

  async token(): Promise<string | null> {
    if (!this.tokens) return null;
    if (this.now() >= this.tokens.expiresAt) {
      if (this.tokens.refreshToken) return this.refresh();
      this.tokens = null; // expired and nothing to refresh with: sign in again
      return null;
    }
    return this.tokens.idToken;
  }

  /** One refresh at a time: concurrent requests share it. Null when there is nothing to refresh. */
  refresh(): Promise<string | null> {
    const current = this.tokens;
    if (!current?.refreshToken || this.settings.kind !== 'cognito') return Promise.resolve(null);
    const cognito = this.settings.cognito;
    this.refreshing ??= refreshCognitoTokens(cognito, current.refreshToken, this.fetchImpl, this.now)
      .then((fresh) => {
        this.tokens = fresh;
        return fresh.idToken;
      })
      .catch(() => {
        // An expired or revoked refresh token: the user must sign in again.
        this.tokens = null;
        return null;
      })
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }
}
