/** The task pane: sign-in, then the tabs Sample · Record · Verify · Run · Results. */
import {
  Button, Caption1, FluentProvider, Tab, TabList, Text, makeStyles, tokens, webLightTheme,
} from '@fluentui/react-components';
import { SignOutRegular } from '@fluentui/react-icons';
import { useReducer, useState } from 'react';
import { SignInPanel } from '../features/auth/SignInPanel';
import { RecordPanel } from '../features/recording/RecordPanel';
import { ResultsPanel } from '../features/results/ResultsPanel';
import { RunPanel } from '../features/run/RunPanel';
import { SamplePanel } from '../features/sample/SamplePanel';
import { VerifyPanel } from '../features/verify/VerifyPanel';
import { appReducer, initialAppState } from './app-state';
import type { Services } from './services';

const useStyles = makeStyles({
  root: { minHeight: '100vh', backgroundColor: tokens.colorNeutralBackground2, display: 'flex', flexDirection: 'column' },
  header: {
    display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: tokens.spacingHorizontalS,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`, backgroundColor: tokens.colorNeutralBackground1,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  brand: { display: 'flex', flexDirection: 'column' },
  tabs: { backgroundColor: tokens.colorNeutralBackground1, borderBottom: `1px solid ${tokens.colorNeutralStroke2}`, overflowX: 'auto' },
  main: { padding: `0 ${tokens.spacingHorizontalM} ${tokens.spacingVerticalL}`, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
});

export type TabName = 'sample' | 'record' | 'verify' | 'run' | 'results';

export function App(props: { services: Services; initialTab?: TabName }) {
  const { services } = props;
  const styles = useStyles();
  const [state, dispatch] = useReducer(appReducer, initialAppState);
  const [signedIn, setSignedIn] = useState(services.auth.signedIn);
  const [tab, setTab] = useState<TabName>(props.initialTab ?? 'sample');

  return (
    <FluentProvider theme={webLightTheme}>
      <div className={styles.root}>
        <header className={styles.header}>
          <div className={styles.brand}>
            <Text weight="semibold" size={400}>sheetscale</Text>
            <Caption1>Record on a sample · run on the full data</Caption1>
          </div>
          {signedIn ? (
            <Button appearance="subtle" size="small" icon={<SignOutRegular />} aria-label={`Sign out ${services.auth.userName ?? ''}`}
              onClick={() => { services.auth.signOut(); setSignedIn(false); }}>
              {services.auth.userName ?? 'Sign out'}
            </Button>
          ) : null}
        </header>
        {!signedIn ? (
          <main className={styles.main}><SignInPanel auth={services.auth} onSignedIn={() => setSignedIn(true)} /></main>
        ) : (
          <>
            <TabList className={styles.tabs} size="small" selectedValue={tab} onTabSelect={(_, d) => setTab(d.value as TabName)} aria-label="sheetscale steps">
              <Tab value="sample">Sample</Tab>
              <Tab value="record">Record{state.recording.recording ? ' ●' : ''}</Tab>
              <Tab value="verify">Verify</Tab>
              <Tab value="run">Run</Tab>
              <Tab value="results">Results</Tab>
            </TabList>
            <main className={styles.main}>
              {/* Record stays mounted while hidden: it owns the live capture. */}
              <div hidden={tab !== 'record'}><RecordPanel state={state} dispatch={dispatch} services={services} /></div>
              {tab === 'sample' ? <SamplePanel state={state} dispatch={dispatch} services={services} /> : null}
              {tab === 'verify' ? <VerifyPanel state={state} services={services} /> : null}
              {tab === 'run' ? <RunPanel state={state} dispatch={dispatch} services={services} /> : null}
              {tab === 'results' ? <ResultsPanel key={state.run.job ? `${state.run.job.id}|${state.run.job.state}` : 'none'} job={state.run.job} services={services} /> : null}
            </main>
          </>
        )}
      </div>
    </FluentProvider>
  );
}
