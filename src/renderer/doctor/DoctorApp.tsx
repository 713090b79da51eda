/**
 * Renderer process. The doctor's app: the conference (listening, patients, approvals, blocks,
 * broadcasts), the audit log and performance, as tabs. Holds the one DoctorSnapshot every
 * conference panel reads; doctor.changed replaces it whole.
 */
import { useEffect, useRef, useState } from 'react';
import type { BlockEntry, BroadcastReceipt, DoctorSnapshot, DoctorStatus } from '../../shared/contract.js';
import { useAction, useApi, useEvent } from '../common/ApiContext.js';
import { useAnnounce } from '../common/Announcer.js';
import { AuditLog } from '../common/AuditLog.js';
import { InlineAlert } from '../common/InlineAlert.js';
import { PerfPanel } from '../common/PerfPanel.js';
import { Tabs } from '../common/Tabs.js';
import { AdmissionPanel } from './AdmissionPanel.js';
import { BlockList } from './BlockList.js';
import { BroadcastPanel } from './BroadcastPanel.js';
import { ConferencePanel } from './ConferencePanel.js';
import { PatientsTable } from './PatientsTable.js';
import { PendingApprovals } from './PendingApprovals.js';
import { describeChanges } from './changes.js';

export function DoctorApp() {
  const api = useApi();
  const announce = useAnnounce();
  const [snapshot, setSnapshot] = useState<DoctorSnapshot | null>(null);
  const [tab, setTab] = useState('conference');
  const load = useAction();
  const { run } = load;
  const sawEvent = useRef(false);

  const announced = useRef<DoctorSnapshot | null>(null);

  useEvent('doctor.changed', (next) => {
    sawEvent.current = true;
    setSnapshot(next);
  });

  useEffect(() => {
    if (!snapshot) return;
    if (announced.current) for (const sentence of describeChanges(announced.current, snapshot)) announce(sentence);
    announced.current = snapshot;
  }, [snapshot, announce]);

  useEffect(() => {
    void run(() => api.invoke('doctor.snapshot', undefined)).then((result) => {
      // An event that arrived meanwhile is newer than this reply.
      if (result && !sawEvent.current) setSnapshot(result.value);
    });
  }, [api, run]);

  if (!snapshot) {
    return (
      <main className="main" id="main">
        {load.error ? (
          <InlineAlert message={load.error} />
        ) : (
          <p className="muted" role="status">
            Loading the conference…
          </p>
        )}
      </main>
    );
  }

  const setStatus = (status: DoctorStatus) => setSnapshot((s) => (s ? { ...s, status } : s));
  const addBlock = (entry: BlockEntry) =>
    setSnapshot((s) => (s && !s.blocks.some((b) => b.id === entry.id) ? { ...s, blocks: [...s.blocks, entry] } : s));
  const removeBlock = (patientId: string) =>
    setSnapshot((s) => (s ? { ...s, blocks: s.blocks.filter((b) => b.id !== patientId) } : s));
  const addReceipt = (receipt: BroadcastReceipt) =>
    setSnapshot((s) => (s && !s.broadcasts.some((b) => b.seq === receipt.seq) ? { ...s, broadcasts: [...s.broadcasts, receipt] } : s));
  const admitted = snapshot.patients.filter((p) => p.stage === 'admitted').length;

  return (
    <main className="main" id="main">
      <Tabs
        label="Doctor"
        selected={tab}
        onSelect={setTab}
        tabs={[
          {
            key: 'conference',
            label: 'Conference',
            badge: snapshot.pending.length ? `${snapshot.pending.length} waiting` : null,
            content: (
              <div className="stack">
                <PendingApprovals pending={snapshot.pending} />
                <div className="doctor-grid">
                  <div className="stack doctor-main">
                    <ConferencePanel status={snapshot.status} onStatus={setStatus} />
                    <PatientsTable patients={snapshot.patients} listening={snapshot.status.listening} onBlocked={addBlock} />
                    <BroadcastPanel
                      broadcasts={snapshot.broadcasts}
                      admitted={admitted}
                      listening={snapshot.status.listening}
                      onSent={addReceipt}
                    />
                  </div>
                  <div className="stack doctor-side">
                    <AdmissionPanel status={snapshot.status} onStatus={setStatus} />
                    <BlockList blocks={snapshot.blocks} onUnblocked={removeBlock} />
                  </div>
                </div>
              </div>
            ),
          },
          { key: 'audit', label: 'Audit log', content: <AuditLog role="doctor" /> },
          { key: 'performance', label: 'Performance', content: <PerfPanel role="doctor" /> },
        ]}
      />
    </main>
  );
}
