/**
 * CPU profiles of the bench process (the doctor's event loop) with node:inspector, and a summary:
 * the functions with the most self time, and self time by file.
 *
 * The doctor's crypto worker threads are profiled too where the inspector's NodeWorker domain
 * lets the main thread attach to them (each worker's profile is summarised on its own).
 */
import { Session } from 'node:inspector';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as T)));
  });
}

interface WorkerTarget {
  sessionId: string;
  title: string;
}

/** Starts profiling the main thread and, best effort, the worker threads; stop() returns the profiles. */
export async function startProfile(): Promise<{ stop: () => Promise<{ main: CpuProfile; workers: Array<{ title: string; profile: CpuProfile }> }> }> {
  const session = new Session();
  session.connect();
  await post(session, 'Profiler.enable');
  await post(session, 'Profiler.setSamplingInterval', { interval: 500 });

  // Worker threads: attach through the NodeWorker domain and drive their own Profiler.
  const workers: WorkerTarget[] = [];
  let nextId = 1;
  const replies = new Map<string, (result: unknown) => void>();
  session.on('NodeWorker.attachedToWorker', (message: { params: { sessionId: string; workerInfo: { title: string } } }) => {
    workers.push({ sessionId: message.params.sessionId, title: message.params.workerInfo.title });
  });
  session.on('NodeWorker.receivedMessageFromWorker', (message: { params: { sessionId: string; message: string } }) => {
    const parsed = JSON.parse(message.params.message) as { id?: number; result?: unknown };
    if (parsed.id !== undefined) replies.get(`${message.params.sessionId}:${parsed.id}`)?.(parsed.result);
  });
  const toWorker = (w: WorkerTarget, method: string, params: object = {}): Promise<unknown> => {
    const id = nextId++;
    const reply = new Promise<unknown>((resolve) => replies.set(`${w.sessionId}:${id}`, resolve));
    void post(session, 'NodeWorker.sendMessageToWorker', { sessionId: w.sessionId, message: JSON.stringify({ id, method, params }) });
    return Promise.race([reply, new Promise((resolve) => setTimeout(() => resolve(null), 5_000))]);
  };
  try {
    await post(session, 'NodeWorker.enable', { waitForDebuggerOnStart: false });
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const w of workers) {
      await toWorker(w, 'Profiler.enable');
      await toWorker(w, 'Profiler.setSamplingInterval', { interval: 500 });
      await toWorker(w, 'Profiler.start');
    }
  } catch {
    workers.length = 0; // no NodeWorker domain: main thread only
  }
  await post(session, 'Profiler.start');
  return {
    stop: async () => {
      const { profile } = await post<{ profile: CpuProfile }>(session, 'Profiler.stop');
      const workerProfiles: Array<{ title: string; profile: CpuProfile }> = [];
      for (const w of workers) {
        const result = (await toWorker(w, 'Profiler.stop')) as { profile?: CpuProfile } | null;
        if (result?.profile) workerProfiles.push({ title: w.title, profile: result.profile });
      }
      try {
        await post(session, 'NodeWorker.disable');
      } catch {
        // ignore
      }
      session.disconnect();
      return { main: profile, workers: workerProfiles };
    },
  };
}

export interface ProfileSummary {
  totalMs: number;
  /** Sampled time outside (idle) and inside JS/native work. */
  idleMs: number;
  top: Array<{ function: string; file: string; selfMs: number; share: number }>;
  byFile: Array<{ file: string; selfMs: number; share: number }>;
}

function shortFile(url: string): string {
  if (!url) return '(native / V8)';
  const clean = url.replace(/^file:\/\//, '');
  const at = clean.search(/\/(src|bench|node_modules)\//);
  if (at >= 0) return clean.slice(at + 1).replace(/^(out\/node\/)/, '');
  return clean.startsWith('node:') ? clean : clean.split('/').slice(-2).join('/');
}

/** Self time per function (from the samples and their time deltas) and per file. */
export function summariseProfile(profile: CpuProfile, topN = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    // The delta before the NEXT sample is the time attributed to this one.
    const ms = (deltas[i + 1] ?? 0) / 1000;
    self.set(samples[i]!, (self.get(samples[i]!) ?? 0) + ms);
  }
  const fn = new Map<string, { function: string; file: string; selfMs: number }>();
  const files = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, ms] of self) {
    const node = byId.get(id);
    if (!node) continue;
    total += ms;
    const name = node.callFrame.functionName || '(anonymous)';
    if (name === '(idle)' || name === '(program)' || name === '(garbage collector)') {
      if (name === '(idle)') idle += ms;
    }
    const file = ['(idle)', '(program)', '(garbage collector)', '(root)'].includes(name) ? name : shortFile(node.callFrame.url);
    const key = `${name} ${file}:${node.callFrame.lineNumber + 1}`;
    const entry = fn.get(key) ?? { function: name, file: file.startsWith('(') ? file : `${file}:${node.callFrame.lineNumber + 1}`, selfMs: 0 };
    entry.selfMs += ms;
    fn.set(key, entry);
    files.set(file, (files.get(file) ?? 0) + ms);
  }
  const busy = Math.max(1e-9, total - idle);
  const top = [...fn.values()]
    .filter((e) => e.function !== '(idle)')
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, topN)
    .map((e) => ({ ...e, share: e.selfMs / busy }));
  const byFile = [...files]
    .filter(([file]) => file !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .map(([file, selfMs]) => ({ file, selfMs, share: selfMs / busy }));
  return { totalMs: total, idleMs: idle, top, byFile };
}

export function formatProfileSummary(title: string, s: ProfileSummary, files = 12): string[] {
  const lines = [
    `${title}: ${s.totalMs.toFixed(0)} ms sampled, ${(s.totalMs - s.idleMs).toFixed(0)} ms busy (shares below are of the busy time)`,
    '',
    '| # | function | file | self ms | share |',
    '|---|----------|------|---------|-------|',
    ...s.top.map((e, i) => `| ${i + 1} | ${e.function} | ${e.file} | ${e.selfMs.toFixed(1)} | ${(e.share * 100).toFixed(1)}% |`),
    '',
    '| file | self ms | share |',
    '|------|---------|-------|',
    ...s.byFile.slice(0, files).map((e) => `| ${e.file} | ${e.selfMs.toFixed(1)} | ${(e.share * 100).toFixed(1)}% |`),
  ];
  return lines;
}
