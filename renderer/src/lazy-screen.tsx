import { Component, lazy, Suspense, type ComponentType, type ReactNode } from 'react';

/**
 * A screen (or a panel, a dialog) kept in a chunk of its own: `Screen` renders it, `preload`
 * fetches its code ahead.
 */
export interface LazyScreen<P extends object> {
  Screen: ComponentType<P>;
  preload(): Promise<unknown>;
}

/**
 * The window's first paint waits only for the first screen's code: every
 * other screen is a chunk of its own, fetched when it is first shown or when
 * `preload` runs (the window calls it once it is idle after the first
 * screen), so switching screens does not wait for it either.
 */
export function lazyScreen<P extends object>(
  label: string,
  load: () => Promise<ComponentType<P>>,
  noun: 'screen' | 'panel' | 'dialog' = 'screen',
  /** For a panel or dialog: how its props close it, offered beside the words when it cannot load. */
  close?: (props: P) => void,
): LazyScreen<P> {
  // One fetch, shared by preload and the first showing. The chunk is a file of the
  // installed app, so a failure is not retried: the boundary below says what to do.
  let loading: Promise<ComponentType<P>> | undefined;
  const get = () => (loading ??= load());
  const Inner = lazy(() => get().then((screen) => ({ default: screen })));
  function Screen(props: P) {
    return (
      <ScreenBoundary label={label} noun={noun} {...(close ? { onClose: () => close(props) } : {})}>
        <Suspense
          fallback={
            <div className="screen-loading" role="status">
              Opening {label}…
            </div>
          }
        >
          <Inner {...props} />
        </Suspense>
      </ScreenBoundary>
    );
  }
  return { Screen, preload: get };
}

interface BoundaryProps {
  label: string;
  noun: string;
  onClose?: () => void;
  children: ReactNode;
}

/** What went wrong, in words: a chunk that could not be fetched is named by its file. */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const chunk = /(?:dynamically imported module|module script failed).*?([\w.-]+\.js)\b/i.exec(
    message,
  );
  if (chunk) return `Its code could not be read from the installed console (${chunk[1]}).`;
  return message.slice(0, 300);
}

/** A screen that cannot load or render says so in its place; the rest of the window stays. */
class ScreenBoundary extends Component<BoundaryProps, { error: string | null }> {
  override state = { error: null as string | null };

  static getDerivedStateFromError(error: unknown) {
    return { error: describe(error) };
  }

  override render() {
    if (this.state.error === null) return this.props.children;
    return (
      <div className="fatal" role="alert">
        <h1>
          The {this.props.label} {this.props.noun} cannot be shown
        </h1>
        <p>{this.state.error}</p>
        <p>
          Your data is safe: nothing was changed. Restart the console; if this {this.props.noun}{' '}
          still cannot be shown, reinstall the console.
        </p>
        {this.props.onClose && (
          <button type="button" onClick={this.props.onClose}>
            Close
          </button>
        )}
      </div>
    );
  }
}
