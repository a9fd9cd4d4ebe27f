/**
 * Entry of the task pane: loads office.js (CDN, replaceable in tests), reads config.json (backend
 * URL, sign-in settings), wires the Office host, the backend client and the sign-in session.
 */
import { createRoot } from 'react-dom/client';
import { ApiClient } from '../api/client';
import { AuthSession, type AuthSettings } from '../auth/auth-session';
import { createOfficeHost } from '../office/office-host';
import { officeReady } from '../office/office-loader';
import { officeSignInDialog } from '../office/sign-in-dialog';
import { App } from './app/App';
import type { Services } from './app/services';

/** config.json, written by the build from environment variables (see docs/addin.md). */
interface PaneSettings {
  apiUrl: string;
  auth:
    | { kind: 'cognito'; cognito: { domain: string; clientId: string } }
    | { kind: 'local' };
}

function authSettings(s: PaneSettings): AuthSettings {
  const here = new URL('.', location.href).toString().replace(/\/$/, '');
  if (s.auth.kind === 'cognito') {
    return {
      kind: 'cognito',
      cognito: { ...s.auth.cognito, redirectUri: `${here}/auth-callback.html`, startUri: `${here}/auth-start.html` },
    };
  }
  return { kind: 'local' };
}

function showFatal(message: string): void {
  const root = document.getElementById('root');
  if (root) root.textContent = message;
}

async function main(): Promise<void> {
  await officeReady();
  const settings = (await (await fetch('config.json', { cache: 'no-store' })).json()) as PaneSettings;
  const apiUrl = (settings.apiUrl || location.origin).replace(/\/+$/, '');
  const auth = new AuthSession(authSettings(settings), officeSignInDialog);
  const services: Services = {
    host: createOfficeHost(),
    backend: new ApiClient({ baseUrl: apiUrl, tokens: auth }),
    auth: {
      get kind() { return auth.settings.kind; },
      get signedIn() { return auth.signedIn; },
      get userName() { return auth.userName; },
      signIn: (token) => auth.signIn(token),
      signOut: () => auth.signOut(),
    },
    newIdempotencyKey: () => crypto.randomUUID(),
  };
  const root = document.getElementById('root');
  if (!root) throw new Error('The task pane page has no #root element.');
  createRoot(root).render(<App services={services} />);
}

main().catch((err: unknown) => showFatal(err instanceof Error ? err.message : String(err)));
