/** Small building blocks shared by the panels. */
import { Caption1, MessageBar, MessageBarBody, MessageBarTitle, Subtitle2, makeStyles, tokens } from '@fluentui/react-components';
import type { ReactNode } from 'react';

const useStyles = makeStyles({
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, paddingBlock: tokens.spacingVerticalS },
  hint: { color: tokens.colorNeutralForeground3 },
});

export function Section(props: { title: string; hint?: string; children: ReactNode }) {
  const styles = useStyles();
  return (
    <section className={styles.section} aria-label={props.title}>
      <Subtitle2 as="h2">{props.title}</Subtitle2>
      {props.hint ? <Caption1 className={styles.hint}>{props.hint}</Caption1> : null}
      {props.children}
    </section>
  );
}

export function ErrorBar(props: { message: string | null; title?: string }) {
  if (!props.message) return null;
  return (
    <MessageBar intent="error" role="alert">
      <MessageBarBody>
        {props.title ? <MessageBarTitle>{props.title}</MessageBarTitle> : null}
        {props.message}
      </MessageBarBody>
    </MessageBar>
  );
}

export function InfoBar(props: { message: string | null; intent?: 'info' | 'success' | 'warning' }) {
  if (!props.message) return null;
  return (
    <MessageBar intent={props.intent ?? 'info'}>
      <MessageBarBody>{props.message}</MessageBarBody>
    </MessageBar>
  );
}
