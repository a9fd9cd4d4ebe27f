import { SignInError } from '../auth/dialog-errors';
import { fakeOffice } from './fake-office-host';
import { officeSignInDialog } from './sign-in-dialog';

afterEach(() => {
  delete (globalThis as { Office?: unknown }).Office;
});

test('resolves with the message the callback page sends', async () => {
  const fake = fakeOffice();
  (globalThis as { Office?: unknown }).Office = fake.Office;
  fake.api.dialog.nextMessage = (url) => JSON.stringify({ code: 'c1', state: new URL(url).searchParams.get('to') });
  await expect(officeSignInDialog.open('https://localhost:3000/auth-start.html?to=abc')).resolves.toBe('{"code":"c1","state":"abc"}');
  expect(fake.api.log.dialogs).toEqual(['https://localhost:3000/auth-start.html?to=abc']);
});

test('a dialog that cannot open becomes a message the user can act on', async () => {
  const fake = fakeOffice();
  (globalThis as { Office?: unknown }).Office = fake.Office;
  fake.api.dialog.nextError = 12011;
  const err = await officeSignInDialog.open('https://localhost:3000/auth-start.html').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(SignInError);
  expect((err as SignInError).message).toMatch(/blocked the sign-in pop-up/);
});
