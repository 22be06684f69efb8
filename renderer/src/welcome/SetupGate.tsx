import { useState, type ReactNode } from 'react';
import type { StartupProblem } from '../../../shared/ipc/setup-contract';
import { lazyScreen } from '../lazy-screen';
import { useSetupState } from './use-shell-state';

// Shown on a first run or when the database could not open, never on the usual start:
// chunks of their own, so the console's first window does not carry them.
const Welcome = lazyScreen('Welcome', () => import('./WelcomeScreen').then((m) => m.WelcomeScreen));
const DbError = lazyScreen('Database problem', () =>
  import('../db-error/DbErrorScreen').then((m) => m.DbErrorScreen),
);

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
      <DbError.Screen
        problem={problem}
        onOpened={() => void refresh().then(() => setProblem(null))}
      />
    );
  if (welcome) return <Welcome.Screen state={state} onDone={() => setWelcome(false)} />;
  return <>{children}</>;
}
