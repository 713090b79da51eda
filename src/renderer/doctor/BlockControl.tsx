/**
 * Renderer process. One control per patient: "Block…" opens a small form that asks for how long
 * and an optional note, and blocks only on "Yes, block ID". A click can never block by itself, so
 * a second click that lands on the next row's button (rows move up when one leaves) only opens
 * that row's question. Escape or Cancel closes it and gives the focus back to "Block…".
 *
 * The note is the doctor's own: it is kept in the block list and the audit log and never sent to
 * the patient, who is told only the duration.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { LIMITS } from '../../shared/contract-schema.js';
import type { BlockEntry } from '../../shared/contract.js';
import { useAction, useApi } from '../common/ApiContext.js';
import { InlineAlert } from '../common/InlineAlert.js';

export const BLOCK_MINUTES = [1, 2, 5, 10, 30, 60, 240, 1440];

function durationLabel(minutes: number): string {
  if (minutes >= 1440) return `${minutes / 1440} day${minutes === 1440 ? '' : 's'}`;
  if (minutes >= 60) return `${minutes / 60} hour${minutes === 60 ? '' : 's'}`;
  return `${minutes} min`;
}

export function BlockControl({ patientId, onBlocked }: { patientId: string; onBlocked: (entry: BlockEntry) => void }) {
  const api = useApi();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [minutes, setMinutes] = useState(10);
  const [note, setNote] = useState('');
  const opener = useRef<HTMLButtonElement | null>(null);
  const firstField = useRef<HTMLSelectElement | null>(null);
  const wasOpen = useRef(false);
  const block = useAction();

  // Opening moves the focus into the question; closing it puts the focus back on "Block…".
  useEffect(() => {
    if (open) firstField.current?.focus();
    else if (wasOpen.current) opener.current?.focus();
    wasOpen.current = open;
  }, [open]);

  const close = () => {
    setOpen(false);
    block.setError(null);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await block.run(() => api.invoke('doctor.block', { patientId, minutes, note: note.trim() || undefined }));
    if (!result) return;
    wasOpen.current = false; // the row goes away: its panel takes the focus (onBlocked)
    setOpen(false);
    setNote('');
    onBlocked(result.value);
  };

  if (!open) {
    return (
      <button ref={opener} type="button" className="button-danger-outline" aria-label={`Block ${patientId}…`} onClick={() => setOpen(true)}>
        Block…
      </button>
    );
  }

  return (
    <form
      className="block-confirm"
      aria-label={`Block ${patientId}`}
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          close();
        }
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-minutes`}>Block {patientId} for</label>
        <select id={`${id}-minutes`} ref={firstField} value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
          {BLOCK_MINUTES.map((m) => (
            <option key={m} value={m}>
              {durationLabel(m)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-note`}>Note (optional)</label>
        <input
          id={`${id}-note`}
          type="text"
          value={note}
          maxLength={LIMITS.blockNoteMaxChars}
          onChange={(e) => setNote(e.target.value)}
          aria-describedby={`${id}-note-hint`}
          autoComplete="off"
        />
        <span className="hint" id={`${id}-note-hint`}>
          Only you see it, in the block list and the audit log. {patientId} is told the duration only.
        </span>
      </div>
      <div className="block-confirm-actions">
        <button type="submit" className="button-danger" disabled={block.busy}>
          Yes, block {patientId}
        </button>
        <button type="button" className="button-secondary" onClick={close}>
          Cancel
        </button>
      </div>
      <InlineAlert message={block.error} />
    </form>
  );
}
