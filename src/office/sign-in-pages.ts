/**
 * Entry of the two pages that run inside the sign-in dialog (auth-start.html, auth-callback.html).
 * auth-start: the dialog's first page must be on the add-in's origin; it redirects to the Cognito
 * authorize URL in `?to=`, but only to the configured Cognito domain (never an open redirect).
 * auth-callback: Cognito redirects here with `?code=&state=` (or `?error=`); the page sends them
 * to the task pane with messageParent, which checks the state and exchanges the code.
 */
import { loadOfficeJs } from './office-loader';

interface PageSettings {
  cognitoDomain?: string;
}

async function settings(): Promise<PageSettings> {
  try {
    const response = await fetch('config.json', { cache: 'no-store' });
    return (await response.json()) as PageSettings;
  } catch {
    return {};
  }
}

function show(text: string): void {
  const p = document.getElementById('status');
  if (p) p.textContent = text;
}

async function start(): Promise<void> {
  const to = new URLSearchParams(location.search).get('to') ?? '';
  const { cognitoDomain } = await settings();
  let target: URL | null = null;
  try {
    target = new URL(to);
  } catch {
    target = null;
  }
  if (!target || !cognitoDomain || target.origin !== new URL(cognitoDomain).origin) {
    show('This sign-in link is not for the configured Cognito domain, so it was not opened. Close this window and try again.');
    return;
  }
  location.replace(target.toString());
}

async function callback(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const message = JSON.stringify({
    code: params.get('code') ?? undefined,
    state: params.get('state') ?? undefined,
    error: params.get('error') ?? undefined,
    error_description: params.get('error_description') ?? undefined,
  });
  await loadOfficeJs();
  Office.onReady(() => {
    Office.context.ui.messageParent(message);
    show('Signed in. You can close this window.');
  });
}

if (document.body.dataset.page === 'auth-start') void start();
else void callback();
