/**
 * Worker-thread side of AsyncCrypto: runs one engine operation per message and replies with the
 * result and the time it took. Receives plain values (bigints, bytes) and rebuilds the groups.
 * 'precompute' adds one entry to this worker's PrecomputeStock (sent only when the pool is
 * idle); encryptions and signatures take their message-independent half from the stock when it
 * holds one for their group. Replies to those operations carry the group's stock level.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CryptoEngine } from './engine.js';
import { makeGroup } from './groups.js';
import { PerfMetrics } from './metrics.js';
import { encryptionMask, finishEncryption } from './elgamal.js';
import { signatureNonce, signWithNonce, verificationKeyPart, verificationSignaturePart } from './elgamal-signature.js';
import { PrecomputeStock, type StockKind, type StockLevel } from './precompute-stock.js';
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
  | { id: number; op: 'signNonce'; args: [G] }
  | { id: number; op: 'precompute'; args: [G, StockKind] }
  | { id: number; op: 'verifyKeyPart'; args: [G, bigint, bigint, bigint] }
  | { id: number; op: 'verifySignaturePart'; args: [G, bigint, Uint8Array, bigint, bigint] };

/** `stock`: the level, after this operation, of the stock for its group (see the header). */
export type WorkerReply = { id: number; ms: number; stock?: StockLevel } & ({ ok: true; value: unknown } | { ok: false; error: string });

const data = workerData as { backend?: string } | undefined;
const engine = new CryptoEngine(isBackendName(data?.backend) ? BACKENDS[data.backend] : undefined, new PerfMetrics());
const stock = new PrecomputeStock(engine.backend);

function groupOf(request: WorkerRequest): ReturnType<typeof makeGroup> | null {
  switch (request.op) {
    case 'encrypt':
    case 'sign':
    case 'encryptMask':
    case 'signNonce':
    case 'precompute':
      return makeGroup(request.args[0].p, request.args[0].g);
    default:
      return null;
  }
}

async function perform(request: WorkerRequest): Promise<unknown> {
  switch (request.op) {
    case 'keygen': {
      const kp = engine.generateKeyPair(makeGroup(request.args[0].p, request.args[0].g));
      return { x: kp.x, y: kp.y };
    }
    case 'encrypt': {
      const [g, y, m] = request.args;
      const recipient = { group: makeGroup(g.p, g.g), y };
      return finishEncryption(recipient, encryptionMask(recipient, engine.backend, stock.takeExponent(recipient.group)), m);
    }
    case 'decrypt': {
      const [g, x, y, c1, c2] = request.args;
      return engine.decrypt({ group: makeGroup(g.p, g.g), x, y }, { c1, c2 });
    }
    case 'sign': {
      const [g, x, y, message] = request.args;
      const keyPair = { group: makeGroup(g.p, g.g), x, y };
      const nonce = stock.takeNonce(keyPair.group);
      return (nonce && signWithNonce(keyPair, message, nonce)) ?? engine.sign(keyPair, message);
    }
    case 'verify': {
      const [g, y, message, r, s] = request.args;
      return engine.verify({ group: makeGroup(g.p, g.g), y }, message, { r, s });
    }
    case 'verifyKeyPart': {
      const [g, y, r, s] = request.args;
      return verificationKeyPart({ group: makeGroup(g.p, g.g), y }, { r, s }, engine.backend);
    }
    case 'verifySignaturePart': {
      const [g, y, message, r, s] = request.args;
      return verificationSignaturePart({ group: makeGroup(g.p, g.g), y }, message, { r, s }, engine.backend);
    }
    case 'encryptMask': {
      const [g, y] = request.args;
      const group = makeGroup(g.p, g.g);
      return encryptionMask({ group, y }, engine.backend, stock.takeExponent(group));
    }
    case 'signNonce': {
      const group = makeGroup(request.args[0].p, request.args[0].g);
      return stock.takeNonce(group) ?? signatureNonce(group, engine.backend);
    }
    case 'precompute':
      stock.fill(makeGroup(request.args[0].p, request.args[0].g), request.args[1]);
      return null;
    case 'validate': {
      const check = await engine.validateGroup(request.args[0], request.args[1]);
      return check.ok ? { ok: true, group: { name: check.group.name, p: check.group.p, q: check.group.q, g: check.group.g, bits: check.group.bits } } : check;
    }
  }
}

parentPort?.on('message', (request: WorkerRequest) => {
  const start = performance.now();
  const level = (): { stock?: StockLevel } => {
    const group = groupOf(request);
    return group ? { stock: stock.level(group) } : {};
  };
  perform(request).then(
    (value) => parentPort!.postMessage({ id: request.id, ms: performance.now() - start, ok: true, value, ...level() } satisfies WorkerReply),
    (error: unknown) =>
      parentPort!.postMessage({
        id: request.id,
        ms: performance.now() - start,
        ok: false,
        error: error instanceof Error ? error.message : 'crypto worker error',
        ...level(),
      } satisfies WorkerReply),
  );
});
