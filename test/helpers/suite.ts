import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SwarmClient } from '../../src/swarm/api.js';
import { jmeterImage } from './env.js';
import { startTarget, type Target } from './target.js';

/**
 * What most integration files share: a target service started before their tests and removed after,
 * a results folder, and `atq run` arguments aimed at that target.
 */
export function targetSuite(client: SwarmClient) {
  let target: Target | undefined;
  let out = '';
  beforeAll(async () => {
    target = await startTarget(client);
    out = mkdtempSync(path.join(os.tmpdir(), 'atq-it-'));
  });
  afterAll(async () => {
    await target?.dispose();
  });
  const current = () => {
    if (!target) throw new Error('the target is not started (use inside tests)');
    return target;
  };
  return {
    get target() {
      return current();
    },
    get out() {
      return out;
    },
    /** `atq run` with the test image, the target's network and host, and this suite's results folder. */
    runArgs: (...more: string[]) => [
      'run',
      '--image',
      jmeterImage(),
      '--attach-network',
      current().network,
      '--prop',
      `target.host=${current().host}`,
      '--out',
      out,
      ...more,
    ],
  };
}

/**
 * `atq run` arguments for a plan that would keep the workers busy for hours (each sample waits 200 ms at
 * the target): tests end it themselves (a cancel, a kill, a lost engine); its own --timeout ends it should a
 * test not stop it as intended.
 */
export const LONG_RUN = ['--prop', 'loops=100000', '--prop', 'target.path=/?delay=200', '--timeout', '150s'];

/** What the master prints once the workers run the plan: the moment tests interfere. */
export const ENGINES_STARTED = 'Remote engines have been started';
