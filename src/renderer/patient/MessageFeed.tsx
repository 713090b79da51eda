/**
 * Renderer process. The doctor's broadcasts, decrypted, newest at the bottom. A polite log region,
 * so screen readers read each new message once.
 */
import { useEffect, useId, useRef } from 'react';
import type { FeedMessage } from '../../shared/contract.js';
import { formatClock, isoTime } from '../common/format.js';

export function MessageFeed({ messages, admitted }: { messages: FeedMessage[]; admitted: boolean }) {
  const id = useId();
  const scroller = useRef<HTMLDivElement>(null);
  const ordered = [...messages].sort((a, b) => a.receivedAt - b.receivedAt || a.seq - b.seq);

  useEffect(() => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length]);

  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Messages from the doctor</h2>
      {ordered.length === 0 ? (
        <p className="muted">
          {admitted ? 'No messages yet.' : "No messages yet. The doctor's messages appear here once you are admitted."}
        </p>
      ) : null}
      <div ref={scroller} role="log" aria-live="polite" aria-labelledby={`${id}-title`} className="feed" tabIndex={0}>
        <ol className="feed-list">
          {ordered.map((m) => (
            <li key={`${m.epoch}:${m.seq}:${m.sentAt}`} className="message">
              <p className="message-text" dir="auto">
                {m.text}
              </p>
              <p className="message-meta">
                Sent <time dateTime={isoTime(m.sentAt)}>{formatClock(m.sentAt)}</time> · received{' '}
                <time dateTime={isoTime(m.receivedAt)}>{formatClock(m.receivedAt)}</time> · #{m.seq}
              </p>
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}
