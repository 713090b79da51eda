/**
 * Renderer process. The broadcast composer (Ctrl+Enter sends) and the messages sent, each with its
 * delivery receipts updating live from doctor.changed.
 */
import { useId, useState } from 'react';
import type { FormEvent, KeyboardEvent } from 'react';
import type { BroadcastReceipt } from '../../shared/contract.js';
import { useAction, useApi } from '../common/ApiContext.js';
import { useAnnounce } from '../common/Announcer.js';
import { InlineAlert } from '../common/InlineAlert.js';
import { formatClock, isoTime } from '../common/format.js';
import { codePoints, LIMITS } from '../../shared/contract-schema.js';

/** The message box's id, so the Patients panel can offer to skip straight to it. */
export const BROADCAST_TEXT_ID = 'broadcast-message';

export function BroadcastPanel({
  broadcasts,
  admitted,
  listening,
  onSent,
}: {
  broadcasts: BroadcastReceipt[];
  admitted: number;
  listening: boolean;
  onSent: (receipt: BroadcastReceipt) => void;
}) {
  const api = useApi();
  const id = useId();
  const announce = useAnnounce();
  const [text, setText] = useState('');
  const send = useAction();
  const blocker = !listening
    ? 'Start listening and admit a patient to send messages.'
    : admitted === 0
      ? 'No patient is admitted yet: messages go to admitted patients only.'
      : null;
  // The size limit shows while typing, not only after Send.
  const length = codePoints(text);
  const over = length > LIMITS.broadcastMaxChars;
  const canSend = !blocker && !over && text.trim().length > 0 && !send.busy;

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (!canSend) return;
    const result = await send.run(() => api.invoke('doctor.broadcast', { text }));
    if (!result) return;
    onSent(result.value);
    setText('');
    const n = result.value.recipients.length;
    announce(`Message sent to ${n} patient${n === 1 ? '' : 's'}.`);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void submit();
    }
  };

  const newestFirst = [...broadcasts].sort((a, b) => b.seq - a.seq);

  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Broadcast</h2>
      <form onSubmit={(e) => void submit(e)} className="composer">
        <div className="field">
          <label htmlFor={BROADCAST_TEXT_ID}>Message to all admitted patients</label>
          <textarea
            id={BROADCAST_TEXT_ID}
            rows={3}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={onKeyDown}
            dir="auto"
            aria-invalid={over}
            aria-describedby={`${id}-hint ${id}-count`}
          />
          <p id={`${id}-count`} className={over ? 'hint hint-warn' : 'hint'} aria-live="polite">
            {over
              ? `${length.toLocaleString()} characters: ${(length - LIMITS.broadcastMaxChars).toLocaleString()} over the limit of ${LIMITS.broadcastMaxChars.toLocaleString()}. Shorten it or send it in parts.`
              : length > LIMITS.broadcastMaxChars * 0.8
                ? `${length.toLocaleString()} of ${LIMITS.broadcastMaxChars.toLocaleString()} characters`
                : null}
          </p>
        </div>
        <div className="composer-foot">
          <p id={`${id}-hint`} className={blocker ? 'hint hint-warn' : 'hint'}>
            {blocker ?? `Goes to ${admitted} admitted patient${admitted === 1 ? '' : 's'}. Ctrl+Enter sends.`}
          </p>
          <button type="submit" disabled={!canSend} aria-describedby={`${id}-hint`}>
            {send.busy ? 'Sending…' : 'Send'}
          </button>
        </div>
      </form>
      <InlineAlert message={send.error} />

      <h3>Sent messages</h3>
      {newestFirst.length === 0 ? (
        <p className="muted">Nothing sent yet.</p>
      ) : (
        <ol className="receipts" aria-label="Sent messages, newest first">
          {newestFirst.map((b) => (
            <Receipt key={b.seq} receipt={b} />
          ))}
        </ol>
      )}
    </section>
  );
}

function Receipt({ receipt }: { receipt: BroadcastReceipt }) {
  const delivered = new Set(receipt.delivered);
  const all = receipt.recipients.length;
  const done = receipt.recipients.filter((r) => delivered.has(r)).length;
  const complete = all > 0 && done === all;
  return (
    <li className="receipt">
      <div className="receipt-head">
        <span className="muted">
          #{receipt.seq} · <time dateTime={isoTime(receipt.sentAt)}>{formatClock(receipt.sentAt)}</time> · epoch {receipt.epoch}
        </span>
        <span className={`badge ${complete ? 'badge-ok' : 'badge-warn'}`}>
          Delivered to {done} of {all}
        </span>
      </div>
      <p className="receipt-text" dir="auto">
        {receipt.text}
      </p>
      {all > 0 ? (
        <ul className="recipients" aria-label={`Delivery of message ${receipt.seq}`}>
          {receipt.recipients.map((r) => (
            <li key={r} className={delivered.has(r) ? 'recipient done' : 'recipient'}>
              <span aria-hidden="true">{delivered.has(r) ? '✓ ' : '… '}</span>
              {r}
              <span className="visually-hidden">{delivered.has(r) ? ': delivered' : ': not yet delivered'}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}
