/**
 * Renderer process. One polite live region for things that happen elsewhere on the page (a patient
 * asks to join, a patient is admitted), so screen-reader users hear about them without moving focus.
 */
import { createContext, useCallback, useContext, useRef, useState } from 'react';
import type { ReactNode } from 'react';

type Announce = (text: string) => void;
const AnnounceContext = createContext<Announce>(() => {});

export function AnnouncerProvider({ children }: { children: ReactNode }) {
  const [text, setText] = useState('');
  const counter = useRef(0);
  const announce = useCallback((next: string) => {
    // A zero-width tail makes a repeated sentence a change the screen reader notices.
    counter.current += 1;
    setText(next + (counter.current % 2 ? '' : '\u200b'));
  }, []);
  return (
    <AnnounceContext.Provider value={announce}>
      {children}
      <div className="visually-hidden" role="status" aria-live="polite" data-testid="announcer">
        {text}
      </div>
    </AnnounceContext.Provider>
  );
}

export function useAnnounce(): Announce {
  return useContext(AnnounceContext);
}
