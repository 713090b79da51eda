/**
 * Hostile client: admitted patients that join and leave as fast as the doctor lets them, to make
 * the coalesced rekeys (docs/protocol.md, "Group key and broadcasts") leave a broadcast under a
 * key a departed patient still holds. Each id dials from its own address, completes a real
 * handshake, keeps every group key it is sent, and drops its connection without a word after a
 * short random stay; it reports the newest epoch it held when it left.
 * Usage: --port P [--ids 4] [--seconds 6]
 */
import { join } from '../integration/support/join.js';
import { newKeyPair } from '../integration/support/raw-patient.js';
import { need, options, report } from './report.js';

const opts = options();
const port = Number(need(opts, 'port'));
const ids = Number(opts.get('ids') ?? 4);
const until = Date.now() + Number(opts.get('seconds') ?? 6) * 1000;
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function churn(i: number): Promise<number> {
  const patientId = `churner${i}`;
  const keyPair = newKeyPair(); // one device: the same key at every return
  let rounds = 0;
  while (Date.now() < until) {
    const member = await join(port, { patientId, keyPair, localAddress: `127.0.0.${60 + i}` });
    await pause(Math.floor(Math.random() * 150));
    member.sync();
    const held = Math.max(...member.keysByEpoch.keys());
    member.client.close();
    report('left', { id: patientId, epoch: held });
    rounds++;
    await pause(Math.floor(Math.random() * 100));
  }
  return rounds;
}

const rounds = await Promise.all(Array.from({ length: ids }, (_, i) => churn(i)));
report('summary', { rounds: rounds.reduce((a, b) => a + b, 0) });
process.exit(0);
