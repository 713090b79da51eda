/**
 * Renderer process. The doctor's broadcasts, decrypted, newest at the bottom, in a box that takes
 * the height the window has. It opens at the newest message, showing its start when it is longer
 * than the box; a new message scrolls into view unless the person has scrolled up to read an
 * older one (then a button offers to jump down). A polite log region, so screen readers read
 * each new message once.
 */
import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import type { FeedMessage } from '../../shared/contract.js';
import { formatClock, isoTime } from '../common/format.js';

/** Within this many pixels of the end counts as reading the newest messages. */
const AT_END_PX = 48;

export function MessageFeed({ messages, admitted }: { messages: FeedMessage[]; admitted: boolean }) {
  const id = useId();
  const scroller = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  /** Where showNewest put the box: the scroll event that follows is ours, not the person's. */
  const placedAt = useRef<number | null>(null);
  const [unseen, setUnseen] = useState(0);
  const ordered = [...messages].sort((a, b) => a.receivedAt - b.receivedAt || a.seq - b.seq);

  const showNewest = useCallback(() => {
    const box = scroller.current;
    const newest = box?.querySelector<HTMLElement>('.feed-list > li:last-child');
    if (!box || !newest) return;
    // The end of the list, or the newest message's first line if it is taller than the box.
    box.scrollTop = Math.max(0, Math.min(box.scrollHeight - box.clientHeight, newest.offsetTop - 4));
    placedAt.current = box.scrollTop;
    following.current = true;
    setUnseen(0);
  }, []);

  useLayoutEffect(() => {
    if (following.current) showNewest();
    else setUnseen((n) => n + 1);
  }, [messages.length, showNewest]);

  // A window made smaller (or larger) keeps the newest message in view while the person follows.
  useEffect(() => {
    const box = scroller.current;
    if (!box || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (following.current) showNewest();
    });
    observer.observe(box);
    return () => observer.disconnect();
  }, [showNewest]);

  const onScroll = () => {
    const box = scroller.current;
    if (!box) return;
    if (placedAt.current !== null && Math.abs(box.scrollTop - placedAt.current) < 2) return;
    placedAt.current = null;
    following.current = box.scrollHeight - box.clientHeight - box.scrollTop <= AT_END_PX || box.scrollHeight <= box.clientHeight;
    if (following.current) setUnseen(0);
  };

  return (
    <section className="panel feed-panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Messages from the doctor</h2>
      {ordered.length === 0 ? (
        <p className="muted">
          {admitted ? 'No messages yet.' : "No messages yet. The doctor's messages appear here once you are admitted."}
        </p>
      ) : null}
      <div ref={scroller} role="log" aria-live="polite" aria-labelledby={`${id}-title`} className="feed" tabIndex={0} onScroll={onScroll}>
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
      {unseen > 0 ? (
        <button type="button" className="button-secondary feed-jump" onClick={showNewest}>
          {unseen === 1 ? '1 new message' : `${unseen} new messages`}: show
        </button>
      ) : null}
    </section>
  );
}
