/**
 * Renderer process. The patient's app: connect, read the doctor's broadcasts (the most room),
 * check the doctor's identity in plain words, leave; the handshake and the group one click away
 * (Connection details); plus performance and the local audit log.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FeedMessage, PatientStatus } from '../../shared/contract.js';
import { useAction, useApi, useEvent } from '../common/ApiContext.js';
import { AuditLog } from '../common/AuditLog.js';
import { InlineAlert } from '../common/InlineAlert.js';
import { PerfPanel } from '../common/PerfPanel.js';
import { Tabs } from '../common/Tabs.js';
import { ConnectPanel } from './ConnectPanel.js';
import { ConnectionDetails } from './HandshakeSteps.js';
import { KeyChangedWarning, KeyPanel } from './KeyPanel.js';
import { MessageFeed } from './MessageFeed.js';
import { SessionBanner } from './SessionBanner.js';

/** A status with the local time it arrived, so elapsed times can keep ticking between updates. */
export interface TimedStatus {
  status: PatientStatus;
  receivedAt: number;
}

function messageKey(m: FeedMessage): string {
  return `${m.epoch}:${m.seq}:${m.sentAt}`;
}

export function PatientApp() {
  const api = useApi();
  const [current, setCurrent] = useState<TimedStatus | null>(null);
  const [feed, setFeed] = useState<FeedMessage[]>([]);
  const [tab, setTab] = useState('conference');
  // While the join form shows an error of its own, the banner does not repeat an older one.
  const [formError, setFormError] = useState(false);
  const onFormError = useCallback((shown: boolean) => setFormError(shown), []);
  const load = useAction();
  const { run } = load;
  const sawEvent = useRef(false);

  const accept = (status: PatientStatus) => setCurrent({ status, receivedAt: Date.now() });

  useEvent('patient.changed', (status) => {
    sawEvent.current = true;
    accept(status);
  });

  useEvent('patient.message', (message) => {
    setFeed((messages) => (messages.some((m) => messageKey(m) === messageKey(message)) ? messages : [...messages, message]));
  });

  useEffect(() => {
    void run(() => api.invoke('patient.status', undefined)).then((result) => {
      if (result && !sawEvent.current) setCurrent({ status: result.value, receivedAt: Date.now() });
    });
    void api.invoke('patient.feed', undefined).then((result) => {
      if (!result.ok) return;
      setFeed((live) => {
        const known = new Set(result.value.map(messageKey));
        return [...result.value, ...live.filter((m) => !known.has(messageKey(m)))];
      });
    });
  }, [api, run]);

  if (!current) {
    return (
      <main className="main" id="main">
        {load.error ? (
          <InlineAlert message={load.error} />
        ) : (
          <p className="muted" role="status">
            Loading…
          </p>
        )}
      </main>
    );
  }

  const { status } = current;
  return (
    <main className="main" id="main">
      <Tabs
        label="Patient"
        selected={tab}
        onSelect={setTab}
        tabs={[
          {
            key: 'conference',
            label: 'Conference',
            content: (
              <div className="stack">
                <KeyChangedWarning status={status} onStatus={accept} />
                <SessionBanner status={status} quiet={formError} />
                <div className="patient-grid">
                  <div className="stack">
                    <ConnectPanel current={current} onStatus={accept} onFormError={onFormError} />
                    <MessageFeed messages={feed} admitted={status.state === 'admitted'} />
                  </div>
                  <div className="stack">
                    <KeyPanel status={status} />
                    <ConnectionDetails status={status} />
                  </div>
                </div>
              </div>
            ),
          },
          // The same order as the doctor's tabs.
          { key: 'audit', label: 'Audit log', content: <AuditLog role="patient" /> },
          { key: 'performance', label: 'Performance', content: <PerfPanel role="patient" /> },
        ]}
      />
    </main>
  );
}
