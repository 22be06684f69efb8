import { useState, type ReactNode } from 'react';
import type { StartupProblem } from '../../../shared/ipc/setup-contract';
import { DbErrorScreen } from '../db-error/DbErrorScreen';
import { useSetupState } from './use-shell-state';
import { WelcomeScreen } from './WelcomeScreen';

/**
 * What the window shows first: the database problem screen when the console
 * could not open its database, the welcome screen on first run, else the app.
 * The welcome screen stays until the person chooses to go in, so the demo's
 * last step can be read.
 */
export function SetupGate({ children }: { children: ReactNode }) {
  const { state, error, refresh } = useSetupState();
  const [welcome, setWelcome] = useState<boolean | null>(null);
  const [seen, setSeen] = useState<boolean | null>(null);
  // The problem screen stays until the person leaves it: after a rebuild the core
  // already runs on the new database, but its summary is still to be read.
  const [problem, setProblem] = useState<StartupProblem | null>(null);
  if (state?.startupProblem && !problem) setProblem(state.startupProblem);
  // Follow the shell's flag when it changes (the first answer, or a disconnect), not on
  // every event: a late event must not bring back a welcome screen the person just left.
  if (state && state.welcome !== seen) {
    setSeen(state.welcome);
    setWelcome((w) => (state.welcome || w === null ? state.welcome : w));
  }

  // No bridge, or a core that cannot answer: the app's own fatal screen says so.
  if (!window.api || error) return <>{children}</>;
  if (!state || welcome === null)
    return (
      <div className="welcome-loading" role="status">
        Opening the console…
      </div>
    );
  if (problem)
    return (
      <DbErrorScreen
        problem={problem}
        onOpened={() => void refresh().then(() => setProblem(null))}
      />
    );
  if (welcome) return <WelcomeScreen state={state} onDone={() => setWelcome(false)} />;
  return <>{children}</>;
}
