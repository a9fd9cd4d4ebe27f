/**
 * The sign-in dialog as auth sees it: opens a URL (on the add-in's own origin) and resolves with
 * the single message the dialog page sends back, or rejects with a SignInError. The Office
 * implementation lives in src/office/sign-in-dialog.ts; tests pass their own.
 */
export interface SignInDialog {
  open(url: string): Promise<string>;
}
