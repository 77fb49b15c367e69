import type { Summary } from '../results/summary.js';
import type { RunSource } from './source.js';

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

export interface RunReport {
  runId: string;
  status: 'succeeded' | 'failed' | 'aborted';
  outDir: string;
  plans: PlanResult[];
  masterImage: string;
  workerImage: string;
  workersRequested: number;
  /** distributed (master and workers) or engines: where a later comparison sees how this run was made. */
  mode?: 'distributed' | 'engines';
  workerAddresses: string[];
  /** Where each worker ran: slot, overlay address, node hostname; in engine mode each plan's engines (address ''). */
  workers: { slot: number; address: string; node: string; plan?: string }[];
  startedAt: string;
  endedAt?: string;
  /** The commit, branch and CI run this run tested, when known. */
  source?: RunSource;
  /** Wall time per stage, in milliseconds. */
  stages: Record<string, number>;
  cleanup?: CleanupReport;
  /** True when the run ended early (cancel, timeout, failure) and its results cover only part of the plan. */
  partial?: boolean;
  /** 'failed' when a gate failed on any plan; fronts exit 3 then. */
  verdict?: Summary['verdict'];
  error?: { code: string; message: string };
}

export interface CleanupReport {
  removed: number;
  /** Every object that may still be on the swarm, and why it was not removed. */
  failed: { kind: string; name: string; id: string; error: string }[];
  kept: boolean;
  /** The command that removes what is left (set when something is). */
  command?: string;
}
