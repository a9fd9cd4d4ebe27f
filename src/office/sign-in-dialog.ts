/**
 * The Office dialog that hosts the Cognito Hosted UI (which refuses frames). Resolves with the one
 * message the callback page sends; Office's dialog error codes become SignInErrors.
 */
import type { SignInDialog } from '../auth/dialog';
import { dialogError } from '../auth/dialog-errors';

export const officeSignInDialog: SignInDialog = {
  open(url: string): Promise<string> {
    return new Promise((resolve, reject) => {
      Office.context.ui.displayDialogAsync(url, { height: 60, width: 30, promptBeforeOpen: false }, (result) => {
        if (result.status === Office.AsyncResultStatus.Failed) {
          reject(dialogError(result.error.code));
          return;
        }
        const dialog = result.value;
        dialog.addEventHandler(Office.EventType.DialogMessageReceived, (arg) => {
          dialog.close();
          resolve('message' in arg ? arg.message : '');
        });
        dialog.addEventHandler(Office.EventType.DialogEventReceived, (arg) => {
          reject(dialogError('error' in arg ? arg.error : 12006));
        });
      });
    });
  },
};
