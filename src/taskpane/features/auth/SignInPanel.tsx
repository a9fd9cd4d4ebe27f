/** Sign-in: the Cognito Hosted UI in an Office dialog, or the local issuer of the embedded default. */
import { Button, Field, Input, Text, makeStyles, tokens } from '@fluentui/react-components';
import { KeyRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { ErrorBar, Section } from '../../app/ui';
import { messageOf, type Auth } from '../../app/services';

const useStyles = makeStyles({ form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM } });

export function SignInPanel(props: { auth: Auth; onSignedIn: () => void }) {
  const styles = useStyles();
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const signIn = async () => {
    setBusy(true);
    setError(null);
    try {
      await props.auth.signIn(token.trim());
      props.onSignedIn();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title="Sign in" hint="Sign in to use your data catalog and run jobs on the full data.">
      <form className={styles.form} onSubmit={(e) => { e.preventDefault(); void signIn(); }}>
        {props.auth.kind === 'local' ? (
          <Field label="Token" hint="Local sign-in (no Cognito configured): run npx sheetscale token --user <your name> --groups finance and paste what it prints.">
            <Input type="password" value={token} onChange={(_, d) => setToken(d.value)} contentBefore={<KeyRegular />} />
          </Field>
        ) : (
          <Text>You will sign in with your organisation's account in a separate window.</Text>
        )}
        <Button appearance="primary" type="submit" disabled={busy || (props.auth.kind === 'local' && !token.trim())}>
          {busy ? 'Signing in…' : 'Sign in'}
        </Button>
        <ErrorBar message={error} title="Not signed in" />
      </form>
    </Section>
  );
}
