/**
 * Renderer process. Requests that wait for the doctor: a new patient under the "Ask me" policy, a
 * look-alike id (held under either policy), or a pinned id presenting another key (a possible
 * impersonation). Each kind gets its own card, so a key change never looks like a newcomer.
 * Once a decided card is gone, the focus moves to the next card's first button, or to the Patients
 * heading when none is left (where an approved patient appears), never to the page's top.
 */
import { useCallback, useEffect, useId, useRef } from 'react';
import type { PendingApproval, PendingKind } from '../../shared/contract.js';
import { useAction, useApi } from '../common/ApiContext.js';
import { Fingerprint } from '../common/Fingerprint.js';
import { InlineAlert } from '../common/InlineAlert.js';
import { formatClock, isoTime } from '../common/format.js';
import { useNow } from '../common/useNow.js';
import { PATIENTS_HEADING_ID } from './PatientsTable.js';
import { compareIds, describeExpiry, describeSpelling, pendingText } from './pending-text.js';
import type { SpelledChar } from './pending-text.js';

/** Warnings first: a key change, then a look-alike id, then newcomers; otherwise in arrival order. */
const ORDER: Record<PendingKind, number> = { 'key-change': 0, 'look-alike': 1, 'new-patient': 2 };

const keyOf = (p: PendingApproval): string => `${p.kind}-${p.id}-${p.fingerprint}`;

export function PendingApprovals({ pending }: { pending: PendingApproval[] }) {
  const id = useId();
  const now = useNow(pending.length > 0);
  const list = useRef<HTMLUListElement | null>(null);
  const decided = useRef<string | null>(null);
  const latest = useRef(pending);

  // The reply to Approve and the snapshot without the card may come in either order.
  const moveFocus = useCallback(() => {
    if (decided.current === null || latest.current.some((p) => keyOf(p) === decided.current)) return;
    decided.current = null;
    const next = list.current?.querySelector<HTMLButtonElement>('.pending-card button:not(:disabled)');
    (next ?? document.getElementById(PATIENTS_HEADING_ID))?.focus();
  }, []);
  useEffect(() => {
    latest.current = pending;
    moveFocus();
  }, [pending, moveFocus]);

  if (pending.length === 0) return null;
  const sorted = [...pending].sort((a, b) => (ORDER[a.kind] ?? 2) - (ORDER[b.kind] ?? 2) || a.requestedAt - b.requestedAt);
  const warnings = pending.filter((p) => p.kind !== 'new-patient').length;
  return (
    <section className="panel panel-attention" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Waiting for your approval ({pending.length})</h2>
      <p className="hint">
        Check each request before you decide.
        {warnings > 0 ? ` ${warnings} of them ${warnings === 1 ? 'is a warning' : 'are warnings'}: read ${warnings === 1 ? 'it' : 'them'} first.` : ''}
      </p>
      <ul className="pending-list" ref={list}>
        {sorted.map((p) => (
          <PendingItem key={keyOf(p)} request={p} now={now} onDecided={() => {
              decided.current = keyOf(p);
              moveFocus();
            }} />
        ))}
      </ul>
    </section>
  );
}

export function PendingItem({ request, now, onDecided }: { request: PendingApproval; now: number; onDecided?: () => void }) {
  const api = useApi();
  const action = useAction();
  const titleId = useId();
  const text = pendingText(request);
  const decide = (verdict: 'doctor.approve' | 'doctor.reject') =>
    void action.run(() => api.invoke(verdict, { patientId: request.id, fingerprint: request.fingerprint })).then((ok) => {
      if (ok) onDecided?.();
    });
  const warning = request.kind === 'key-change' || request.kind === 'look-alike';
  return (
    <li className={`pending-card pending-card-${request.kind}`} aria-labelledby={titleId}>
      <h3 id={titleId} className="pending-title">
        {warning ? (
          <span className="pending-icon" aria-hidden="true">
            !
          </span>
        ) : null}
        {warning ? <span className="visually-hidden">Warning: </span> : null}
        <span className="wrap-anywhere">
          {text.headlineParts.map((part, k) =>
            typeof part === 'string' ? part : (
              <code key={k} className="pending-id">
                {part.id}
              </code>
            ),
          )}
        </span>
      </h3>
      <p className="pending-explain">{text.explanation}</p>
      {request.kind === 'look-alike' ? <LookAlikeComparison id={request.id} similarTo={request.similarTo} /> : null}
      <dl className="pending-facts">
        {request.kind === 'key-change' ? (
          <>
            <dt>
              {request.pinnedAt !== null && text.pinnedSince !== null ? (
                <>
                  Pinned key (since <time dateTime={isoTime(request.pinnedAt)}>{text.pinnedSince}</time>)
                </>
              ) : (
                text.pinnedLabel
              )}
            </dt>
            <dd>
              <Fingerprint value={request.pinnedFingerprint} />
            </dd>
            <dt>Presented key</dt>
            <dd>
              <Fingerprint value={request.fingerprint} />
            </dd>
          </>
        ) : (
          <>
            <dt>Fingerprint</dt>
            <dd>
              <Fingerprint value={request.fingerprint} />
            </dd>
          </>
        )}
        <dt>From</dt>
        <dd className="wrap-anywhere">{request.address}</dd>
        <dt>Asked at</dt>
        <dd>
          <time dateTime={isoTime(request.requestedAt)}>{formatClock(request.requestedAt)}</time>
        </dd>
        <dt>Request</dt>
        <dd>
          <time dateTime={isoTime(request.expiresAt)}>{describeExpiry(request.expiresAt, now)}</time>
        </dd>
      </dl>
      <p className="pending-advice">
        <strong>{warning ? 'Before accepting: ' : 'Check: '}</strong>
        {text.advice}
      </p>
      <div className="button-row">
        <button
          type="button"
          className={request.kind === 'key-change' ? 'button-caution' : undefined}
          aria-label={text.approveLabel}
          disabled={action.busy}
          onClick={() => decide('doctor.approve')}
        >
          {text.approveText}
        </button>
        <button type="button" className="button-danger" aria-label={text.rejectLabel} disabled={action.busy} onClick={() => decide('doctor.reject')}>
          Reject
        </button>
      </div>
      <InlineAlert message={action.error} />
    </li>
  );
}

/** The requested id beside each id it resembles, one character per cell, the differing ones marked. */
function LookAlikeComparison({ id, similarTo }: { id: string; similarTo: string[] }) {
  if (similarTo.length === 0) return null;
  return (
    <div className="id-compare">
      {similarTo.map((other) => {
        const spelled = compareIds(id, other);
        return (
          <div className="id-pair" key={other}>
            <SpelledId label="This request" id={id} chars={spelled.id} />
            <SpelledId label="Looks like" id={other} chars={spelled.other} />
          </div>
        );
      })}
    </div>
  );
}

function SpelledId({ label, id, chars }: { label: string; id: string; chars: SpelledChar[] }) {
  return (
    <div className="spelled-row">
      <span className="sub-label">{label}</span>
      <span className="spelled-id" role="img" aria-label={`${id}, spelled: ${describeSpelling(chars)}`}>
        {chars.map((c, k) => (
          <span key={k} className={`spelled-char${c.differs ? ' spelled-differs' : ''}${c.unusual ? ' spelled-unusual' : ''}`}>
            <span className="spelled-glyph">{c.char}</span>
            {c.unusual || c.differs ? (
              <span className="spelled-note">
                {c.name}
                <br />
                {c.codePoint}
              </span>
            ) : null}
          </span>
        ))}
      </span>
    </div>
  );
}
