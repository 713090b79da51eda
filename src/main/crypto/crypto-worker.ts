/**
 * Worker-thread side of AsyncCrypto: runs one engine operation per message and replies with the
 * result and the time it took. Receives plain values (bigints, bytes) and rebuilds the groups.
 * 'precompute' adds one entry to this worker's PrecomputeStock (sent only when the pool is
 * idle); encryptions and signatures take their message-independent half from the stock when it
 * holds one for their group. Replies to those operations carry the group's stock level. A
 * `checked` flag says the main thread checked a key's or ciphertext's elements already.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CryptoEngine } from './engine.js';
import { makeGroup } from './groups.js';
import { PerfMetrics } from './metrics.js';
import { encryptionMask, finishEncryption, trustChecked, type PublicKey } from './elgamal.js';
import { signatureNonce, signWithNonce, verificationKeyPart, verificationSignaturePart } from './elgamal-signature.js';
import { PrecomputeStock, type StockLevel } from './precompute-stock.js';
import { stockedGroupOf, type WorkerReply, type WorkerRequest } from './worker-messages.js';
import { BACKENDS, isBackendName } from './modexp/select.js';

const data = workerData as { backend?: string } | undefined;
const engine = new CryptoEngine(isBackendName(data?.backend) ? BACKENDS[data.backend] : undefined, new PerfMetrics());
const stock = new PrecomputeStock(engine.backend);

/** A public key; `checked`: the main thread checked y already (elgamal.ts, checkedPublicKey). */
function key(group: ReturnType<typeof makeGroup>, y: bigint, checked: boolean): PublicKey {
  return checked ? trustChecked(group, { group, y }) : { group, y };
}

async function perform(request: WorkerRequest): Promise<unknown> {
  switch (request.op) {
    case 'keygen': {
      const kp = engine.generateKeyPair(makeGroup(request.args[0].p, request.args[0].g));
      return { x: kp.x, y: kp.y };
    }
    case 'encrypt': {
      const [g, y, m, checked] = request.args;
      const recipient = key(makeGroup(g.p, g.g), y, checked);
      return finishEncryption(recipient, encryptionMask(recipient, engine.backend, stock.takeExponent(recipient.group)), m);
    }
    case 'decrypt': {
      const [g, x, y, c1, c2, checked] = request.args;
      const group = makeGroup(g.p, g.g);
      return engine.decrypt({ group, x, y }, checked ? trustChecked(group, { c1, c2 }) : { c1, c2 });
    }
    case 'sign': {
      const [g, x, y, message] = request.args;
      const keyPair = { group: makeGroup(g.p, g.g), x, y };
      const nonce = stock.takeNonce(keyPair.group);
      return (nonce && signWithNonce(keyPair, message, nonce)) ?? engine.sign(keyPair, message);
    }
    case 'verify': {
      const [g, y, message, r, s, checked] = request.args;
      return engine.verify(key(makeGroup(g.p, g.g), y, checked), message, { r, s });
    }
    case 'verifyKeyPart': {
      const [g, y, r, s, checked] = request.args;
      return verificationKeyPart(key(makeGroup(g.p, g.g), y, checked), { r, s }, engine.backend);
    }
    case 'verifySignaturePart': {
      const [g, y, message, r, s] = request.args;
      return verificationSignaturePart({ group: makeGroup(g.p, g.g), y }, message, { r, s }, engine.backend);
    }
    case 'encryptMask': {
      const [g, y, checked] = request.args;
      const group = makeGroup(g.p, g.g);
      return encryptionMask(key(group, y, checked), engine.backend, stock.takeExponent(group));
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

async function answer(request: WorkerRequest): Promise<WorkerReply> {
  const start = performance.now();
  const level = (): { stock?: StockLevel } => {
    const group = stockedGroupOf(request);
    return group ? { stock: stock.level(group) } : {};
  };
  try {
    const value = await perform(request);
    return { id: request.id, ms: performance.now() - start, ok: true, value, ...level() };
  } catch (error) {
    return { id: request.id, ms: performance.now() - start, ok: false, error: error instanceof Error ? error.message : 'crypto worker error', ...level() };
  }
}

/** One request, or a bundle (the jobs of one handshake step, in order) answered in one message. */
parentPort?.on('message', (message: WorkerRequest | WorkerRequest[]) => {
  if (!Array.isArray(message)) return void answer(message).then((reply) => parentPort!.postMessage(reply));
  void (async () => {
    const replies: WorkerReply[] = [];
    for (const request of message) replies.push(await answer(request));
    parentPort!.postMessage(replies);
  })();
});
