import * as core from '@actions/core';
import type { DockerOptions, RunOptions } from '../config/options.js';
import { outcome, type Outcome } from '../core/outcome.js';
import type { RunResult } from '../core/run.js';
import { newRunId } from '../core/run-id.js';
import { errorMessage, isAtqError } from '../errors.js';
import { runAnywhere } from '../remote/anywhere.js';
import { guardSignals } from '../util/signals.js';
import { errorMarkdown } from './job-summary.js';
import { actionListener } from './log.js';
import { commentOnPr, withGitHubHistory } from './pr/feedback.js';
import { publish } from './publish.js';
import { actionSettings, type ActionSettings } from './settings.js';
import { STATE } from './state.js';
import { writeTlsFiles } from './tls.js';

/** After a cancel GitHub kills the step 10 s after its SIGINT: an upload must end before that. */
const CANCEL_UPLOAD_UNTIL_MS = 9_500;

/**
 * inputs → settings (every input checked, nothing written yet) → TLS files, baseline, state for post → the
 * core's run → publish → the step's result. Every error ends here, once, as setFailed with its stable code and
 * the message that says what to do.
 */
export async function main(early: NodeJS.Signals[] = [], installed = () => {}): Promise<void> {
  const signals = guardSignals((t) => core.info(t), early);
  installed();
  let cancelledAt: number | undefined;
  signals.signal.addEventListener('abort', () => (cancelledAt = Date.now()), { once: true });
  try {
    const { result, publishing, failOnGates, feedback } = await run(signals.signal);
    const o = outcome(result.report, result.error);
    const artifactId = await publish(result, o, {
      ...publishing,
      failOnGates,
      uploadUntil: () => (cancelledAt === undefined ? Infinity : cancelledAt + CANCEL_UPLOAD_UNTIL_MS),
      conclude: () => conclude(o, failOnGates),
    });
    // Not after a cancel: a newer push's run may already have written the comment, and the runner is about to kill us.
    if (cancelledAt === undefined) await commentOnPr(feedback, result.summaries, o, artifactId);
  } catch (e) {
    const text = isAtqError(e) ? `[${e.code}] ${e.message}` : `unexpected error: ${errorMessage(e)}`;
    // Nothing ran: still say so where workflows look (the status output, the job summary).
    core.setOutput('status', 'failed');
    const summary = isAtqError(e) ? errorMarkdown(e.message, e.code) : errorMarkdown(text);
    await core.summary
      .addRaw(summary)
      .write()
      .catch(() => {});
    core.setFailed(text);
  } finally {
    signals.dispose();
  }
}

/** Every input checked first; only then anything written, downloaded or saved, and the run. */
async function run(signal: AbortSignal) {
  const settings = await actionSettings();
  const options = await prepare(settings);
  const runId = newRunId();
  // Before anything exists on the swarm: a main killed at any point leaves the post step what it needs.
  // Through a server there is nothing here to remove: the server cleans up what its task created.
  if (!options.server) {
    core.saveState(STATE.runId, runId);
    core.saveState(STATE.docker, JSON.stringify(stateDocker(options.docker)));
    if (options.keep) core.saveState(STATE.keep, 'true');
  }
  const result = await runAnywhere(options, { onEvent: actionListener(), signal, runId });
  // Nothing left for the post step to remove (or the user asked to keep it).
  if (!result.report.cleanup?.failed.length) core.saveState(STATE.finished, 'true');
  return { result: result as RunResult, ...settings };
}

/** The TLS inputs become files (their paths replace the PEM text), then `baseline: auto` is downloaded. */
async function prepare(s: ActionSettings): Promise<RunOptions> {
  const docker = { ...s.options.docker, ...(await writeTlsFiles(s.tls)) };
  const options = { ...s.options, docker };
  return s.githubHistory ? withGitHubHistory(options, s.feedback) : options;
}

/**
 * The connection post needs, without secrets: runner state can be printed in debug logs, and atq.yml
 * may hold PEM text where a path is expected. PEM text is dropped (post then uses the environment).
 */
function stateDocker(docker: DockerOptions): DockerOptions {
  const path = (v: string | undefined) => (v && !v.includes('-----BEGIN') ? v : undefined);
  return { ...docker, ca: path(docker.ca), cert: path(docker.cert), key: path(docker.key) };
}

function conclude(o: Outcome, failOnGates: boolean): void {
  if (o.kind === 'gates-failed' && !failOnGates) core.warning(`${o.headline} (fail-on-gates: false)`);
  else if (o.kind !== 'succeeded')
    core.setFailed(o.error ? `[${o.error.code}] ${o.error.message}` : o.headline);
  else core.info(`[atq] ${o.headline}`);
}
