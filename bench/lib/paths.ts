/** Where `npm run bench` writes: bench-results/ at the repository root (BENCH_RESULTS_DIR overrides). */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file runs as out/node/bench/lib/paths.js). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export const RESULTS_DIR = resolve(process.env['BENCH_RESULTS_DIR'] ?? resolve(REPO_ROOT, 'bench-results'));

/**
 * The bench doctor's data folder, kept after the run so the app's performance view can open it:
 * `node bin/medchat.js web --role doctor --data-dir bench-results/doctor-data` serves
 * bench-results/doctor-data/doctor (the runtime keeps each role in its own subfolder).
 */
export const DOCTOR_DATA_ROOT = resolve(RESULTS_DIR, 'doctor-data');
export const DOCTOR_DATA_DIR = resolve(DOCTOR_DATA_ROOT, 'doctor');
