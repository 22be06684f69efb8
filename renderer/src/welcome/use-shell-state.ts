import { useEffect, useState } from 'react';
import type { ShellState } from '../../../shared/ipc/shell-contract';
import { errorText } from '../error-text';

/** The shell's state (first run, connection, demo), kept current by its event. */
export function useShellState(): { state: ShellState | null; error: string | null } {
  const [state, setState] = useState<ShellState | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const api = window.api;
    if (!api) return;
    let live = true;
    const off = api.on('shell:state', (s) => live && setState(s));
    api.invoke('shell:state', {}).then(
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
