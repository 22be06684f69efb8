import { useCallback, useEffect, useState } from 'react';
import type { SetupState } from '../../../shared/ipc/setup-contract';
import { ask, peekArrived } from '../early-requests';
import { errorText } from '../error-text';

/**
 * The shell's state (first run, connection, demo), kept current by its event;
 * `refresh` asks again (the console now runs on a rebuilt database).
 */
export function useSetupState(): {
  state: SetupState | null;
  error: string | null;
  refresh: () => Promise<void>;
} {
  // Already answered (asked as the window started): the first render is the console's own,
  // not "Opening the console…". The effect below still takes it, with any event since.
  const [state, setState] = useState<SetupState | null>(() => peekArrived('setup:state', {}));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const api = window.api;
    if (!api) return;
    let live = true;
    const off = api.on('setup:state', (s) => live && setState(s));
    // Asked as the window started (first-requests.ts), or now.
    ask(api, 'setup:state', {}).then(
      (s) => live && setState(s),
      (err: unknown) => live && setError(errorText(err)),
    );
    return () => {
      live = false;
      off();
    };
  }, []);
  const refresh = useCallback(async () => {
    try {
      const s = await window.api?.invoke('setup:state', {});
      if (s) setState(s);
    } catch (err) {
      setError(errorText(err));
    }
  }, []);
  return { state, error, refresh };
}
