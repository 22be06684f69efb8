import { useEffect, useState } from 'react';
import type { SetupState } from '../../../shared/ipc/setup-contract';
import { errorText } from '../error-text';

/** The shell's state (first run, connection, demo), kept current by its event. */
export function useSetupState(): { state: SetupState | null; error: string | null } {
  const [state, setState] = useState<SetupState | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const api = window.api;
    if (!api) return;
    let live = true;
    const off = api.on('setup:state', (s) => live && setState(s));
    api.invoke('setup:state', {}).then(
      (s) => live && setState(s),
      (err: unknown) => live && setError(errorText(err)),
    );
    return () => {
      live = false;
      off();
    };
  }, []);
  return { state, error };
}
