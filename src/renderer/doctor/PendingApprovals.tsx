/**
 * Renderer process. Under the "Ask me" policy: patients whose handshake passed but who wait for
 * the doctor to compare their fingerprint and approve or reject them.
 */
import { useId } from 'react';
import type { PendingApproval } from '../../shared/contract.js';
import { useAction, useApi } from '../common/ApiContext.js';
import { Fingerprint } from '../common/Fingerprint.js';
import { InlineAlert } from '../common/InlineAlert.js';
import { formatClock, isoTime } from '../common/format.js';

export function PendingApprovals({ pending }: { pending: PendingApproval[] }) {
  const id = useId();
  if (pending.length === 0) return null;
  return (
    <section className="panel panel-attention" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Waiting for your approval ({pending.length})</h2>
      <p className="hint">
        Ask the patient to read their fingerprint aloud. Approve only if it matches the one shown here.
      </p>
      <ul className="pending-list">
        {pending.map((p) => (
          <PendingItem key={`${p.id}-${p.fingerprint}`} request={p} />
        ))}
      </ul>
    </section>
  );
}

function PendingItem({ request }: { request: PendingApproval }) {
  const api = useApi();
  const action = useAction();
  const decide = (verdict: 'doctor.approve' | 'doctor.reject') =>
    void action.run(() => api.invoke(verdict, { patientId: request.id, fingerprint: request.fingerprint }));
  return (
    <li className="pending-item">
      <div className="pending-who">
        <span className="patient-id">{request.id}</span>
        <span className="sub">
          from {request.address}, asked at <time dateTime={isoTime(request.requestedAt)}>{formatClock(request.requestedAt)}</time>
        </span>
      </div>
      <div className="pending-fp">
        <span className="sub-label">Fingerprint</span> <Fingerprint value={request.fingerprint} />
      </div>
      <div className="button-row">
        <button type="button" aria-label={`Approve ${request.id}`} disabled={action.busy} onClick={() => decide('doctor.approve')}>
          Approve
        </button>
        <button
          type="button"
          className="button-danger"
          aria-label={`Reject ${request.id}`}
          disabled={action.busy}
          onClick={() => decide('doctor.reject')}
        >
          Reject
        </button>
      </div>
      <InlineAlert message={action.error} />
    </li>
  );
}
