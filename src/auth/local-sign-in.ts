/**
 * Sign-in for the embedded default (`npm start`, no Cognito): the backend's local issuer mints
 * tokens with `npx sheetscale token --user <name> --groups finance`, and the user pastes one into
 * the pane. The backend verifies it with the same code as Cognito tokens; here we only check its
 * shape and read when it expires.
 */
import { SignInError } from './dialog-errors';
import { decodeJwtPayload, type Tokens } from './tokens';

export function signInWithLocalToken(token: string, now: () => number = Date.now): Tokens {
  const jwt = token.trim().replace(/^Bearer\s+/i, '');
  const claims = decodeJwtPayload(jwt);
  if (jwt.split('.').length !== 3 || Object.keys(claims).length === 0) {
    throw new SignInError('That is not a token. Run `npx sheetscale token --user <your name> --groups finance` and paste the whole line it prints.', 'NOT_A_TOKEN');
  }
  const exp = typeof claims.exp === 'number' ? claims.exp * 1000 : now() + 3600_000;
  if (exp <= now()) throw new SignInError('That token has expired. Make a new one with `npx sheetscale token --user <your name>`.', 'EXPIRED');
  return { idToken: jwt, accessToken: jwt, expiresAt: exp };
}
