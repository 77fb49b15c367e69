import * as core from '@actions/core';
import { loadRunOptions } from '../config/load.js';
import { inputProblem, valuesFromInputs } from '../config/inputs.js';
import { outcome, type Outcome } from '../core/outcome.js';
import { runLoadTest, type RunResult } from '../core/run.js';
import { newRunId } from '../core/run-id.js';
import { errorMessage, isAtqError } from '../errors.js';
import { connector } from '../swarm/connector.js';
import { guardSignals } from '../util/signals.js';
import { actionListener } from './log.js';
import { publish } from './publish.js';
import { STATE } from './state.js';
import { tlsFromInputs } from './tls.js';

/**
 * inputs → options → the core's run → publish → the step's result. Every error ends here, once, as
 * setFailed with its stable code and the message that says what to do.
 */
export async function main(early: NodeJS.Signals[] = [], installed = () => {}): Promise<void> {
  const signals = guardSignals((t) => core.info(t), early);
  installed();
  try {
    const result = await run(signals.signal);
    const o = outcome(result.report, result.error);
    await publish(result, o, {
      artifactName: core.getInput('artifact-name') || 'atq-results',
      retentionDays: retention(core.getInput('retention-days')),
      upload: core.getInput('upload-artifact') !== 'false',
      uploadWithinMs: signals.signal.aborted ? 2_000 : 10 * 60_000,
    });
    conclude(o, core.getInput('fail-on-gates') !== 'false');
  } catch (e) {
    core.setFailed(isAtqError(e) ? `[${e.code}] ${e.message}` : `unexpected error: ${errorMessage(e)}`);
  } finally {
    signals.dispose();
  }
}

async function run(signal: AbortSignal): Promise<RunResult> {
  const tls = await tlsFromInputs();
  const { values, problems } = valuesFromInputs((name) =>
    name.startsWith('docker-tls-') ? '' : core.getInput(name),
  );
  const options = await loadRunOptions({
    values: { ...values, ...tls },
    configFile: core.getInput('config') || undefined,
    cwd: process.env.GITHUB_WORKSPACE || process.cwd(),
    problems,
    nameProblem: inputProblem,
  });
  const runId = newRunId();
  // Before anything exists on the swarm: a main killed at any point leaves the post step what it needs.
  core.saveState(STATE.runId, runId);
  core.saveState(STATE.docker, JSON.stringify(options.docker));
  const result = await runLoadTest(options, {
    connect: connector(options.docker),
    onEvent: actionListener(),
    signal,
    runId,
  });
  // Nothing left for the post step to remove (or the user asked to keep it).
  if (!result.report.cleanup?.failed.length) core.saveState(STATE.finished, 'true');
  return result;
}

function conclude(o: Outcome, failOnGates: boolean): void {
  if (o.kind === 'gates-failed' && !failOnGates) core.warning(`${o.headline} (fail-on-gates: false)`);
  else if (o.kind !== 'succeeded')
    core.setFailed(o.error ? `[${o.error.code}] ${o.error.message}` : o.headline);
  else core.info(`[atq] ${o.headline}`);
}

function retention(text: string): number | undefined {
  if (!text.trim()) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 90) {
    core.warning(
      `input retention-days: "${text}" is not a whole number of days from 1 to 90; using the repository's default`,
    );
    return undefined;
  }
  return n;
}
