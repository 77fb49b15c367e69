import type { AutoStopCriterion } from './auto-stop-grammar.js';
/** Everything one run needs, validated. Produced by config/resolve.ts from atq.yml and flags. */
export interface WaitCommand {
  /** Shell command run (in a loop) in an isolated container on the run's network. */
  command: string;
  /** When set, the command's trimmed output must equal this; otherwise exit status 0 is enough. */
  expectedResult?: string;
  timeoutMs: number;
  image?: string;
}

export interface DockerOptions {
  /** DOCKER_HOST form: unix:///path, tcp://host:port. Defaults to the environment. */
  host?: string;
  /** CA / client cert / key: each a file path or the PEM text itself (CI secrets). */
  ca?: string;
  cert?: string;
  key?: string;
  insecurePlaintext: boolean;
}

import type { JitMode } from '../jmeter/jit.js';
import type { AutoBaseline } from './baseline-auto.js';
import type { Gate } from '../config/gate-grammar.js';
import type { ServerTarget } from './server-option.js';

export interface RunOptions {
  /** Absolute path of the folder whose files are shipped to the containers. */
  testDir: string;
  /** Globs (relative to testDir) of the plans to run, one after another. */
  plans: string[];
  /** Globs (relative to testDir) of the data files shipped with the plans. */
  files: string[];
  /** JVM heap for every JMeter container (e.g. "512m"), or undefined for the image's default. */
  heap?: string;
  /**
   * CPUs and bytes of memory each worker or engine reserves and may use at most (Swarm reservations and
   * limits); undefined: neither. The master gets none: core/workers.ts says why.
   */
  workerCpus?: number;
  workerMemoryBytes?: number;
  /**
   * ci: JMeter's JVMs start with the top-tier JIT's thresholds raised (jmeter/jit.ts), so that start-up code
   * is not compiled by C2 (cheaper starts, slower heavy load at first); default: the JVM's own.
   */
  jit: JitMode;
  /** distributed: a master and N jmeter-server workers (RMI); engines: N standalone engines, results merged. */
  mode: 'distributed' | 'engines';
  /** Globs (relative to testDir) of CSV files split among the workers, a slice each. */
  splitCsv: string[];
  /** Globs (relative to testDir) of extra jars for JMeter's classpath, besides plugins/, lib/ext/ and lib/. */
  jars: string[];
  workers: number;
  workerImage: string;
  masterImage: string;
  /** JMeter properties: sent to the workers (-G) and set on the master (-J). */
  props: Record<string, string>;
  /** The same, whose values are secrets: given to JMeter in a file (a Swarm secret), never on a command line. */
  secretProps: Record<string, string>;
  /** Extra arguments for the master's jmeter command line. */
  jmeterArgs: string[];
  /** Base output folder; each run writes to <outDir>/<run id>/. */
  outDir: string;
  timeoutMs: number;
  readyTimeoutMs: number;
  delayMs: number;
  /** Live statistics every this long while the plan runs (issue 24); 0: off (no follower in the containers). */
  progressIntervalMs: number;
  /** The console prints each label's live line too. */
  progressLabels: boolean;
  waitCommand?: WaitCommand;
  attachNetworks: string[];
  /**
   * Swarm services (names or globs with * and ?) whose containers' CPU and memory are sampled on every node
   * during the run (core/monitor.ts); empty: none.
   */
  monitor: string[];
  /** Auto-stop's criteria (default: error_rate >= 90% for 60s); empty: off (--auto-stop off). */
  autoStop: AutoStopCriterion[];
  networkEncryption: boolean;
  rmiSsl: boolean;
  keep: boolean;
  maxBundleBytes: number;
  /** Performance gates applied to each plan's results. */
  gates: Gate[];
  /** summary.json of an earlier run, or a folder of its results, for baseline gates and deltas (absolute path). */
  baselineFile?: string;
  /** `baseline: auto[:REF]`: a server's history of this task (then baselineFile is what the server made of it). */
  baselineAuto?: AutoBaseline;
  /** Baseline gates when there is no baseline: 'fail' (default) or 'skip' (with a warning). */
  baselineMissing: 'fail' | 'skip';
  /** How many earlier runs of a plan baseline gates are judged against (default 10). */
  baselineRuns: number;
  /** How sure a baseline gate must be to pass or fail (default 0.95), and what it does when it cannot tell. */
  confidence: number;
  inconclusive: 'pass' | 'fail';
  docker: DockerOptions;
  /** Run on an ATQ server (atq serve) instead of the swarm directly; docker and keep then do not apply. */
  server?: ServerTarget;
  /** Caps an ATQ server puts on one run (never set from flags or atq.yml); a local run has none. */
  limits?: RunLimits;
}

export interface RunLimits {
  /** Most bytes of results copied out of the containers (the master's files, each engine's output). */
  resultBytes?: number;
  /** Most bytes kept of each container's output (logs/*.log). */
  logBytes?: number;
  /**
   * Services --monitor may sample (`*` `?` globs; atq serve --allow-monitor): what a task's globs resolve to
   * must match one too. Undefined: any.
   */
  monitorAllow?: string[];
}

export const DEFAULTS = {
  /**
   * ATQ's own JMeter image (images/jmeter, pushed by the release workflow): Apache JMeter 5.6.3 on a Java
   * LTS JRE. Every node must be able to pull it, or be given another image.
   */
  image: 'ghcr.io/atq/run-load-test/jmeter:5.6.3',
  plans: ['**/*.jmx'],
  files: ['**/*.csv', '**/*.tsv', '**/*.txt', '**/*.json', '**/*.xml', '**/*.properties', '**/*.dat'],
  workers: 2,
  outDir: 'atq-results',
  timeout: '30m',
  readyTimeout: '2m',
  delay: '0s',
  progressInterval: '10s',
  waitTimeout: '1m',
  maxBundleSize: '20MB',
  baselineRuns: 10,
  confidence: 0.95,
  rmiSsl: true,
} as const;
