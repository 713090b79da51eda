/**
 * Renderer process. Blocked patient ids with a live countdown to expiry, the doctor's own note,
 * and Unblock. An entry leaves the list when its time runs out, even before the next snapshot
 * says so.
 */
import { useId } from 'react';
import type { BlockEntry } from '../../shared/contract.js';
import { useAction, useApi } from '../common/ApiContext.js';
import { InlineAlert } from '../common/InlineAlert.js';
import { describeCountdown, formatClock, formatCountdown, isoTime } from '../common/format.js';
import { useNow } from '../common/useNow.js';

export function BlockList({ blocks, onUnblocked }: { blocks: BlockEntry[]; onUnblocked: (patientId: string) => void }) {
  const id = useId();
  const now = useNow(blocks.length > 0);
  const active = blocks.filter((b) => b.expiresAt > now).sort((a, b) => a.expiresAt - b.expiresAt);
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Blocked</h2>
      {active.length === 0 ? (
        <p className="muted">No one is blocked.</p>
      ) : (
        <ul className="block-list">
          {active.map((b) => (
            <BlockItem key={b.id} entry={b} now={now} onUnblocked={onUnblocked} />
          ))}
        </ul>
      )}
    </section>
  );
}

function BlockItem({ entry, now, onUnblocked }: { entry: BlockEntry; now: number; onUnblocked: (patientId: string) => void }) {
  const api = useApi();
  const action = useAction();
  const left = entry.expiresAt - now;
  return (
    <li className="block-item">
      <div className="block-who">
        <span className="patient-id">{entry.id}</span>
        <span className="sub">
          {entry.reason}
          {entry.note ? (
            <>
              {' '}
              · your note: <q dir="auto">{entry.note}</q>
            </>
          ) : null}{' '}
          · since <time dateTime={isoTime(entry.blockedAt)}>{formatClock(entry.blockedAt)}</time>
        </span>
      </div>
      <span role="timer" className="countdown" aria-label={`${describeCountdown(left)} left`}>
        {formatCountdown(left)}
      </span>
      <button
        type="button"
        className="button-secondary"
        aria-label={`Unblock ${entry.id}`}
        disabled={action.busy}
        onClick={() =>
          void action.run(() => api.invoke('doctor.unblock', { patientId: entry.id })).then((ok) => {
            if (ok) onUnblocked(entry.id);
          })
        }
      >
        Unblock
      </button>
      <InlineAlert message={action.error} />
    </li>
  );
}
