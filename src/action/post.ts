import * as core from '@actions/core';
import type { DockerOptions } from '../config/options.js';
import { sweep } from '../core/cleanup.js';
import { describeRun } from '../core/lease.js';
import { errorMessage } from '../errors.js';
import { connector } from '../swarm/connector.js';
import type { Logger } from '../util/log.js';
import { STATE } from './state.js';
import { removeTlsFiles } from './tls.js';

const log: Logger = {
  info: (m) => core.info(`[atq] ${m}`),
  warn: (m) => core.warning(m),
  output: () => {},
  progress: () => {},
};

/**
 * Runs after main whatever happened to it (post-if: always()). If main did not finish its own cleanup
 * (killed by the runner, or the engine was gone), removes every object of its run by label. Then the
 * TLS files go.
 */
export async function post(): Promise<void> {
  try {
    const runId = core.getState(STATE.runId);
    // --keep: the user asked for the objects to stay, even if main did not finish.
    const keep = core.getState(STATE.keep) === 'true';
    if (runId && !keep && core.getState(STATE.finished) !== 'true') await removeRun(runId);
  } catch (e) {
    core.warning(`post: could not remove the run's objects: ${errorMessage(e)}`);
  } finally {
    await removeTlsFiles().catch((e: unknown) =>
      core.warning(`post: could not remove the TLS files: ${errorMessage(e)}`),
    );
  }
}

async function removeRun(runId: string): Promise<void> {
  const docker = JSON.parse(core.getState(STATE.docker) || '{}') as DockerOptions;
  core.info(`[atq] main did not finish cleaning up run ${runId}: removing what is left`);
  const client = await connector({ ...docker, insecurePlaintext: docker.insecurePlaintext ?? false })();
  // --force: the run's own process has ended, though its lease may look live for up to a minute.
  const result = await sweep(client, { runId, force: true }, log);
  for (const r of result.forced) core.info(`[atq] removing ${describeRun(r)}`);
  core.info(`[atq] post: removed ${result.removed.length} object(s) of run ${runId}`);
  if (result.failed.length) {
    core.warning(
      `post: ${result.failed.length} object(s) of run ${runId} could not be removed: ` +
        result.failed.map((f) => `${f.object.kind} ${f.object.name} (${f.error})`).join(', '),
    );
  }
}
