/** In-process patients for integration tests: the real PatientService on temp dirs. */
import { createPatientService } from '../../../src/main/patient/service.js';
import type { PatientServiceApi } from '../../../src/main/service/services.js';
import type { FeedMessage, GroupChoice, PatientStatus } from '../../../src/shared/contract.js';
import { removeDir, tempDir, type TestClock } from './doctor.js';

export interface TestPatient {
  service: PatientServiceApi;
  dataDir: string;
  messages: FeedMessage[];
  statuses: PatientStatus[];
  connect(port: number, group?: GroupChoice): Promise<PatientStatus>;
  close(): Promise<void>;
}

/** `reconnect` is off unless asked for: most tests look at what one connection attempt did. */
export async function startPatient(
  id: string,
  options: { clock?: TestClock; dataDir?: string; handshakeTimeoutMs?: number; reconnect?: boolean; livenessTimeoutMs?: number } = {},
): Promise<TestPatient> {
  const dataDir = options.dataDir ?? tempDir(`patient-${id}`);
  const service = await createPatientService({
    dataDir,
    workers: 1,
    reconnect: options.reconnect ?? false,
    ...(options.livenessTimeoutMs ? { livenessTimeoutMs: options.livenessTimeoutMs } : {}),
    ...(options.clock ? { now: options.clock.now } : {}),
    ...(options.handshakeTimeoutMs ? { handshakeTimeoutMs: options.handshakeTimeoutMs } : {}),
  });
  const messages: FeedMessage[] = [];
  const statuses: PatientStatus[] = [];
  service.subscribe((e) => {
    if (e.channel === 'patient.message') messages.push(e.payload);
    if (e.channel === 'patient.changed') statuses.push(e.payload);
  });
  return {
    service,
    dataDir,
    messages,
    statuses,
    connect: (port, group = 'ffdhe2048') => service.connect({ host: '127.0.0.1', port, patientId: id, group }),
    close: async () => {
      await service.close();
      if (!options.dataDir) removeDir(dataDir);
    },
  };
}
