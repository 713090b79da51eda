import { describe, expect, it } from 'vitest';
import { lastConnect, rememberConnect } from '../../../src/main/patient/connect-request.js';
import { testStore } from '../store/helpers.js';

describe('the remembered connect form', () => {
  it('reads back what was submitted', () => {
    const { store } = testStore();
    expect(lastConnect(store.settings)).toBeNull();
    rememberConnect(store.settings, { host: 'clinic.example', port: 5051, patientId: 'zoe', group: 'generate-2048' });
    expect(lastConnect(store.settings)).toEqual({ host: 'clinic.example', port: 5051, patientId: 'zoe', group: 'generate-2048' });
  });

  it('ignores a stored value someone edited into something the form would not accept', () => {
    const { store } = testStore();
    for (const raw of [
      'not json',
      '{"host":"127.0.0.1","port":5050,"patientId":"zoe\\n[admitted] mallory","group":"ffdhe2048"}',
      '{"host":"127.0.0.1","port":70000,"patientId":"zoe","group":"ffdhe2048"}',
      '{"host":"127.0.0.1","port":5050,"patientId":"zoe","group":"ffdhe1024"}',
      '{"host":"127.0.0.1","port":5050,"patientId":"zoe","group":"ffdhe2048","extra":1}',
      '["127.0.0.1",5050]',
    ]) {
      store.settings.set('patient.last-connect', raw);
      expect(lastConnect(store.settings), raw).toBeNull();
    }
  });
});
