/**
 * Worker-thread side of AsyncCrypto: runs one engine operation per message and replies with the
 * result and the time it took. Receives plain values (bigints, bytes) and rebuilds the groups.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CryptoEngine } from './engine.js';
import { makeGroup } from './groups.js';
import { PerfMetrics } from './metrics.js';
import { encryptionMask } from './elgamal.js';
import { signatureNonce } from './elgamal-signature.js';
import { BACKENDS, isBackendName } from './modexp/select.js';

type G = { p: bigint; g: bigint };
export type WorkerRequest =
  | { id: number; op: 'keygen'; args: [G] }
  | { id: number; op: 'encrypt'; args: [G, bigint, bigint] }
  | { id: number; op: 'decrypt'; args: [G, bigint, bigint, bigint, bigint] }
  | { id: number; op: 'sign'; args: [G, bigint, bigint, Uint8Array] }
  | { id: number; op: 'verify'; args: [G, bigint, Uint8Array, bigint, bigint] }
  | { id: number; op: 'validate'; args: [bigint, bigint] }
  | { id: number; op: 'encryptMask'; args: [G, bigint] }
  | { id: number; op: 'signNonce'; args: [G] };

export type WorkerReply = { id: number; ms: number } & ({ ok: true; value: unknown } | { ok: false; error: string });

const data = workerData as { backend?: string } | undefined;
const engine = new CryptoEngine(isBackendName(data?.backend) ? BACKENDS[data.backend] : undefined, new PerfMetrics());

async function perform(request: WorkerRequest): Promise<unknown> {
  switch (request.op) {
    case 'keygen': {
      const kp = engine.generateKeyPair(makeGroup(request.args[0].p, request.args[0].g));
      return { x: kp.x, y: kp.y };
    }
    case 'encrypt': {
      const [g, y, m] = request.args;
      return engine.encrypt({ group: makeGroup(g.p, g.g), y }, m);
    }
    case 'decrypt': {
      const [g, x, y, c1, c2] = request.args;
      return engine.decrypt({ group: makeGroup(g.p, g.g), x, y }, { c1, c2 });
    }
    case 'sign': {
      const [g, x, y, message] = request.args;
      return engine.sign({ group: makeGroup(g.p, g.g), x, y }, message);
    }
    case 'verify': {
      const [g, y, message, r, s] = request.args;
      return engine.verify({ group: makeGroup(g.p, g.g), y }, message, { r, s });
    }
    case 'encryptMask': {
      const [g, y] = request.args;
      return encryptionMask({ group: makeGroup(g.p, g.g), y }, engine.backend);
    }
    case 'signNonce':
      return signatureNonce(makeGroup(request.args[0].p, request.args[0].g), engine.backend);
    case 'validate': {
      const check = await engine.validateGroup(request.args[0], request.args[1]);
      return check.ok ? { ok: true, group: { name: check.group.name, p: check.group.p, q: check.group.q, g: check.group.g, bits: check.group.bits } } : check;
    }
  }
}

parentPort?.on('message', (request: WorkerRequest) => {
  const start = performance.now();
  perform(request).then(
    (value) => parentPort!.postMessage({ id: request.id, ms: performance.now() - start, ok: true, value } satisfies WorkerReply),
    (error: unknown) =>
      parentPort!.postMessage({
        id: request.id,
        ms: performance.now() - start,
        ok: false,
        error: error instanceof Error ? error.message : 'crypto worker error',
      } satisfies WorkerReply),
  );
});
