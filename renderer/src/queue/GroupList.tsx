import { CLASS_INFO } from '../../../shared/queue/classify';
import type { QueueGroup } from '../../../shared/ipc/queue-contract';
import { formatNumber } from '../intl';

/** Failures grouped by error signature: "312 failed: email is not valid" is one line to act on. */
export function GroupList(props: {
  groups: QueueGroup[] | null;
  total: number;
  active: string | null;
  canAct: boolean;
  onShow: (signature: string | null) => void;
  onAct: (group: QueueGroup, kind: 'retry' | 'discard' | 'export' | 'edit' | 'conflict') => void;
}) {
  const { groups } = props;
  if (!groups) return null;
  if (groups.length === 0) return null;
  return (
    <section className="q-groups" aria-label="Failures by error">
      <h3>
        Failures by error{' '}
        <span className="q-muted">
          ({formatNumber(props.total)} kind{props.total === 1 ? '' : 's'})
        </span>
        {props.active && (
          <button className="q-link" onClick={() => props.onShow(null)}>
            Show every error
          </button>
        )}
      </h3>
      <ul aria-label="Error groups">
        {groups.map((g) => {
          const label = `${formatNumber(g.count)} · ${CLASS_INFO[g.cls].label}: ${g.message || g.code}`;
          return (
            <li
              key={g.signature}
              aria-label={label}
              data-testid="error-group"
              className={props.active === g.signature ? 'active' : ''}
            >
              <span className="q-group-count">{formatNumber(g.count)}</span>
              <span className={`q-class q-class-${g.cls}`}>{CLASS_INFO[g.cls].label}</span>
              <span className="q-group-msg" title={`${g.code}: ${g.message}`}>
                {g.message || g.code}
                <span className="q-muted">
                  {' '}
                  · {g.gaveUp ? 'gave up after retries' : g.code}
                  {g.retrying ? ` · ${g.retrying} retrying` : ''}
                  {g.failed ? ` · ${g.failed} failed` : ''}
                </span>
              </span>
              <span className="q-group-actions">
                <button className="q-link" onClick={() => props.onShow(g.signature)}>
                  Show
                </button>
                {props.canAct && (
                  <>
                    <button onClick={() => props.onAct(g, 'retry')}>Retry group</button>
                    <button onClick={() => props.onAct(g, 'edit')}>Edit field…</button>
                    <button onClick={() => props.onAct(g, 'conflict')}>Turn into conflicts…</button>
                    <button onClick={() => props.onAct(g, 'export')}>Export group</button>
                    <button className="q-danger" onClick={() => props.onAct(g, 'discard')}>
                      Discard group
                    </button>
                  </>
                )}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
