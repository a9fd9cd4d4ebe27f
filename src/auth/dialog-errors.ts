/**
 * What the Office dialog's error codes mean to the person signing in. Codes from
 * Office.context.ui.displayDialogAsync and the dialog's DialogEventReceived.
 */

/** A sign-in that could not finish, with a sentence the user can act on. */
export class SignInError extends Error {
  constructor(message: string, readonly code: string | number) {
    super(message);
    this.name = 'SignInError';
  }
}

const MESSAGES: Record<number, string> = {
  12002: 'The sign-in page could not be found. Check the add-in\'s sign-in URL (it must be on the add-in\'s own origin) and try again.',
  12003: 'The sign-in page must be served over HTTPS. Ask your administrator to fix the add-in\'s sign-in URL.',
  12004: 'The sign-in page is not on a domain this add-in trusts. Check that the Cognito domain is listed in the manifest\'s AppDomains.',
  12005: 'The sign-in page address uses HTTP; Office only opens HTTPS pages. Fix the sign-in URL and try again.',
  12006: 'The sign-in window was closed before you finished signing in. Click "Sign in" to try again.',
  12007: 'A sign-in window is already open. Finish signing in there, or close it and try again.',
  12009: 'You chose to ignore the sign-in prompt. Click "Sign in" and choose "Allow" to open the sign-in window.',
  12011: 'Your browser blocked the sign-in pop-up. Allow pop-ups for this site (or for Office on the web) and try again.',
};

/** The user-facing error for an Office dialog error code. */
export function dialogError(code: number): SignInError {
  return new SignInError(MESSAGES[code] ?? `The sign-in window failed (Office error ${code}). Try again; if it keeps failing, reload the add-in.`, code);
}
