/**
 * The raw cost of the doctor's four ElGamal operations in a handshake (verify the patient's
 * signature, decrypt its key-exchange ciphertext, encrypt to it, sign the answer), ffdhe2048,
 * the CryptoEngine inline with the backend the doctor's workers select, median ms per operation.
 */
import { CryptoEngine, FFDHE2048, PerfMetrics, randomSubgroupElement } from '../../src/main/crypto/index.js';
import { median } from './stats.js';

export interface ElGamalBaseline {
  backend: string;
  verify: number;
  decrypt: number;
  encrypt: number;
  sign: number;
  /** verify + decrypt + encrypt + sign. */
  total: number;
  samples: number;
}

export function measureElGamal(iterations: number): ElGamalBaseline {
  const engine = new CryptoEngine(undefined, new PerfMetrics());
  const group = FFDHE2048;
  const patient = engine.generateKeyPair(group);
  const doctor = engine.generateKeyPair(group);
  const times = { verify: [] as number[], decrypt: [] as number[], encrypt: [] as number[], sign: [] as number[] };
  const time = (list: number[], fn: () => void): void => {
    const start = performance.now();
    fn();
    list.push(performance.now() - start);
  };
  for (let i = -2; i < iterations; i++) {
    const message = Buffer.from(`bench handshake transcript ${i}`);
    const signature = engine.sign(patient, message);
    const secret = randomSubgroupElement(group);
    const ciphertext = engine.encrypt(doctor, secret);
    const t = i < 0 ? { verify: [], decrypt: [], encrypt: [], sign: [] } : times; // two warm-ups
    time(t.verify, () => {
      if (!engine.verify(patient, message, signature)) throw new Error('baseline: signature did not verify');
    });
    time(t.decrypt, () => {
      if (engine.decrypt(doctor, ciphertext) !== secret) throw new Error('baseline: decryption was wrong');
    });
    time(t.encrypt, () => void engine.encrypt(patient, secret));
    time(t.sign, () => void engine.sign(doctor, message));
  }
  const verify = median(times.verify);
  const decrypt = median(times.decrypt);
  const encrypt = median(times.encrypt);
  const sign = median(times.sign);
  return { backend: engine.backend.name, verify, decrypt, encrypt, sign, total: verify + decrypt + encrypt + sign, samples: iterations };
}
