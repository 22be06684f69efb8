import type { SetupState } from '../../../shared/ipc/setup-contract';
import { getApi } from '../api';
import { ConnectForm } from './ConnectForm';
import { DemoPanel } from './DemoPanel';
import './welcome.css';

/** First run: connect to a server, or try the demo. */
export function WelcomeScreen({ state, onDone }: { state: SetupState; onDone: () => void }) {
  const demoBusy = state.demo.state === 'starting';
  return (
    <div className="welcome">
      <header className="welcome-head">
        <h1>Welcome to the Visitor Reconciliation Console</h1>
        <p>
          The console keeps a copy of your visitor records on this computer, sends the changes made
          here to your sync server, and helps you settle what two people changed at once.
        </p>
      </header>
      <div className="welcome-ways">
        <section className="welcome-card" aria-labelledby="connect-title">
          <h2 id="connect-title">Connect to your server</h2>
          <p>
            Enter the address of your visitor sync server and the token your administrator gave you.
          </p>
          {state.tokenStorage.kind === 'session' && (
            <p className="welcome-note" data-testid="token-storage-note">
              {state.tokenStorage.reason} The token is kept for this session only: you will be asked
              for it when the console starts again.
            </p>
          )}
          {state.connection.kind === 'demo' ? (
            <p className="welcome-note">
              The demo is running. To connect to your server, leave the demo in Settings first.
            </p>
          ) : (
            <ConnectForm idPrefix="welcome" onConnected={onDone} />
          )}
        </section>
        <DemoPanel status={state.demo} onEnter={onDone} disabled={demoBusy} />
      </div>
      <footer className="welcome-foot">
        <button
          type="button"
          className="ghost"
          disabled={demoBusy}
          onClick={() =>
            void getApi()
              .invoke('setup:skipWelcome', {})
              .then(onDone, () => undefined)
          }
        >
          Set up later
        </button>
        <span>Work on the local database now; connect from Settings when you are ready.</span>
      </footer>
    </div>
  );
}
