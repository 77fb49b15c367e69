import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AtqError } from '../errors.js';
import type { AutoStopTrigger } from '../results/auto-stop.js';
import type { Summary } from '../results/summary.js';
import type { Unreliable } from '../results/generators.js';
import type { RunSource } from './source.js';
import { fileAccessError } from '../util/file-error.js';
import type { Logger } from '../util/log.js';

/** What a run tells its caller and writes to run.json. */
export interface PlanResult {
  plan: string;
  outDir: string;
  exitCode?: number;
  samples?: number;
  status: 'succeeded' | 'failed' | 'not-run';
  /** Verdict of the performance gates on this plan's results (when it ran). */
  verdict?: Summary['verdict'];
}

/** What every kind of run writes to its run.json and returns as its report. */
export interface RunRecord {
  runId: string;
  status: 'succeeded' | 'failed' | 'aborted';
  outDir: string;
  startedAt: string;
  endedAt?: string;
  /** Wall time per stage, in milliseconds. */
  stages: Record<string, number>;
  cleanup?: CleanupReport;
  error?: { code: string; message: string };
}

/** How a run on the swarm ended, whatever its kind: its record, and its error to show. */
export interface RunEnd<R extends RunRecord> {
  report: R;
  error?: AtqError;
}

/** A JMeter run's record (run.json). */
export interface RunReport extends RunRecord {
  plans: PlanResult[];
  masterImage: string;
  workerImage: string;
  workersRequested: number;
  /** distributed (master and workers) or engines: where a later comparison sees how this run was made. */
  mode?: 'distributed' | 'engines';
  workerAddresses: string[];
  /** Where each worker ran: slot, overlay address, node hostname; in engine mode each plan's engines (address ''). */
  workers: { slot: number; address: string; node: string; plan?: string }[];
  /** The commit, branch and CI run this run tested, when known. */
  source?: RunSource;
  /** True when the run ended early (cancel, timeout, failure) and its results cover only part of the plan. */
  partial?: boolean;
  /** Auto-stop ended the run early (--auto-stop): the criterion, when, what it saw. The run exits 3. */
  autoStop?: AutoStopTrigger;
  /** A load generator was saturated (generator health): the latencies may be the generator's. */
  unreliable?: Unreliable;
  /** 'failed' when a gate failed on any plan; fronts exit 3 then. */
  verdict?: Summary['verdict'];
}

export interface CleanupReport {
  removed: number;
  /** Every object that may still be on the swarm, and why it was not removed. */
  failed: { kind: string; name: string; id: string; error: string }[];
  kept: boolean;
  /**
   * The run's objects could not be listed (the engine did not answer): some may be left that `failed` does not
   * name (an object whose creation the engine carried out without its answer reaching us).
   */
  unchecked?: boolean;
  /** The command that removes what is left (set when something is, or may be). */
  command?: string;
}

/** Writes a run's record to run.json in its folder; a failure to write is a warning, not the run's error. */
export async function writeRunJson(report: RunRecord, logger: Logger): Promise<void> {
  try {
    await writeFile(path.join(report.outDir, 'run.json'), JSON.stringify(report, null, 2) + '\n');
  } catch (e) {
    logger.warn(fileAccessError(e, 'write run.json').message);
  }
}
