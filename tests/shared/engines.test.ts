/**
 * The README names every package whose `engines.node` excludes the Node this project runs and
 * tests on (20.19): the warnings `npm ci` prints there. A new one must be explained, or dropped.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../integration/support/processes.js';

const EXPLAINED = ['@electron-internal/extract-zip', '@electron/get', '@electron/rebuild', 'electron', 'node-abi'];

describe('Node engines', () => {
  it('only the Electron tooling the README names asks for a newer Node than 20.19', () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { engines?: { node?: string } | string[]; dev?: boolean }>;
    };
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe('>=20.19');
    const tooNew = new Set<string>();
    for (const [path, entry] of Object.entries(lock.packages)) {
      const range = !Array.isArray(entry.engines) ? entry.engines?.node : undefined;
      if (!path || !range) continue;
      if (!semver.satisfies('20.19.0', range) && !semver.satisfies('20.20.2', range)) tooNew.add(path.split('node_modules/').at(-1)!);
    }
    expect([...tooNew].sort()).toEqual(EXPLAINED);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const name of EXPLAINED) expect(readme).toContain(`\`${name}\``);
  });
});
