import { parseAutoStop, type AutoStopCriterion } from './auto-stop-grammar.js';
import path from 'node:path';
import type { Gate } from '../config/gate-grammar.js';
import { formatDuration, parseDuration } from '../util/duration.js';
import { autoBaselineProblem, parseAutoBaseline } from './baseline-auto.js';
import { baselineProblems } from './criteria.js';
import { FIELD_BY_NAME, FIELD_NAMES, type Field } from './fields.js';
import { DEFAULTS, type DockerOptions, type RunOptions } from './options.js';
import { parseField, parseSize } from './parse-field.js';
import type { Parsed } from './parse-value.js';
import { heapFitProblems } from './resources.js';
import { monitorProblems } from './monitor-gate.js';
import { parseServerUrl, serverTarget, tokenProblem } from './server-option.js';
import { testDirGlobs } from './test-dir-globs.js';
import { waitCommandFrom, waitDetailProblems } from './wait.js';

export { parseSize };

export type RawOptions = Record<string, unknown>;

export interface Resolved {
  options?: RunOptions;
  problems: string[];
}

/** The options as given: flags over atq.yml, and which came from the file (its paths are relative to it). */
interface Given {
  raw: Map<string, unknown>;
  fromFile: Set<string>;
  /** atq.yml values a flag replaced for this run: still checked, the file is wrong for the next run. */
  overridden: Map<string, unknown>;
}

type Values = ReadonlyMap<string, unknown>;

/**
 * Merges atq.yml (`file`) and command-line flags (`flags`, which win), checks every value and returns the
 * options or every problem found, each naming the field and what it accepts. Every given value is parsed
 * once, up front, whatever else is wrong, so one run of atq lists all problems.
 */
export function resolveOptions(file: RawOptions, flags: RawOptions, cwd: string, fileDir = cwd): Resolved {
  const problems: string[] = [];
  const given = mergeSources(file, flags, problems);
  const values = parseAll(given, problems);
  const options = buildOptions(values, given, cwd, fileDir);
  problems.push(...crossChecks(options, given));
  problems.push(...globsInTestDir(options, given, cwd, fileDir));
  return problems.length ? { problems } : { options, problems };
}

function mergeSources(file: RawOptions, flags: RawOptions, problems: string[]): Given {
  const given: Given = { raw: new Map(), fromFile: new Set(), overridden: new Map() };
  for (const [source, values] of [
    ['atq.yml', file],
    ['flag', flags],
  ] as const) {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) continue;
      if (!FIELD_NAMES.has(key)) {
        problems.push(`${source} "${key}": unknown option; known options are ${[...FIELD_NAMES].join(', ')}`);
        continue;
      }
      if (source === 'flag' && given.fromFile.delete(key)) given.overridden.set(key, given.raw.get(key));
      if (source === 'atq.yml') given.fromFile.add(key);
      given.raw.set(key, value);
    }
  }
  return given;
}

function parseAll(given: Given, problems: string[]): Values {
  const values = new Map<string, unknown>();
  for (const [name, raw] of given.raw) {
    const parsed = parseOption(FIELD_BY_NAME.get(name) as Field, raw);
    problems.push(...parsed.problems);
    if (parsed.value !== undefined) values.set(name, parsed.value);
  }
  for (const [name, raw] of given.overridden) {
    const parsed = parseOption(FIELD_BY_NAME.get(name) as Field, raw);
    problems.push(...parsed.problems.map((p) => `atq.yml (overridden by --${name} in this run) ${p}`));
  }
  return values;
}

/** The server's URL is normalised, and the token is checked without its value ever entering a message. */
function parseOption(field: Field, raw: unknown): Parsed {
  if (field.name === 'server') {
    const { url, problem } = parseServerUrl(raw);
    return problem ? { problems: [problem] } : { value: url, problems: [] };
  }
  if (field.secret) {
    const problem = tokenProblem(raw);
    return problem ? { problems: [problem] } : { value: String(raw).trim(), problems: [] };
  }
  return parseField(field, raw);
}

function buildOptions(values: Values, given: Given, cwd: string, fileDir: string): RunOptions {
  const get = <T>(name: string, fallback: T): T => (values.has(name) ? (values.get(name) as T) : fallback);
  // Paths in atq.yml are relative to the file, as users expect of a config file; flags to the cwd.
  const where = (name: string, fallback: string) =>
    path.resolve(given.fromFile.has(name) ? fileDir : cwd, get(name, fallback));
  const image = get<string>('image', DEFAULTS.image);
  const baseline = get<string | undefined>('baseline', undefined);
  const auto = parseAutoBaseline(baseline);
  return {
    testDir: where('test-dir', '.'),
    plans: get<string[]>('plan', [...DEFAULTS.plans]),
    files: get<string[]>('files', [...DEFAULTS.files]),
    mode: get<string>('mode', 'distributed') === 'engines' ? 'engines' : 'distributed',
    heap: get<string | undefined>('heap', undefined),
    workerCpus: get<number | undefined>('worker-cpus', undefined),
    workerMemoryBytes: get<number | undefined>('worker-memory', undefined),
    jit: get<string>('jit', 'default') === 'ci' ? 'ci' : 'default',
    splitCsv: get<string[]>('split-csv', []),
    jars: get<string[]>('jar', []),
    workers: get<number>('workers', DEFAULTS.workers),
    workerImage: get<string>('worker-image', image),
    masterImage: get<string>('master-image', image),
    props: get<Record<string, string>>('prop', {}),
    secretProps: get<Record<string, string>>('secret-prop', {}),
    jmeterArgs: get<string[]>('jmeter-arg', []),
    outDir: where('out', DEFAULTS.outDir),
    timeoutMs: get<number>('timeout', parseDuration(DEFAULTS.timeout) as number),
    readyTimeoutMs: get<number>('ready-timeout', parseDuration(DEFAULTS.readyTimeout) as number),
    delayMs: get<number>('delay', 0),
    progressIntervalMs: get<number>('progress-interval', parseDuration(DEFAULTS.progressInterval) as number),
    progressLabels: get<boolean>('progress-labels', false),
    waitCommand: waitCommandFrom(values),
    attachNetworks: get<string[]>('attach-network', []),
    monitor: get<string[]>('monitor', []),
    // Absent: the default criterion (auto-stop is on unless turned off).
    autoStop: get<AutoStopCriterion[]>('auto-stop', parseAutoStop(undefined).criteria),
    networkEncryption: get<boolean>('network-encryption', false),
    rmiSsl: get<string>('rmi-ssl', 'on') !== 'off',
    keep: get<boolean>('keep', false),
    maxBundleBytes: get<number>('max-bundle-size', parseSize(DEFAULTS.maxBundleSize) as number),
    gates: get<Gate[]>('criteria', []),
    baselineFile: baseline === undefined || auto ? undefined : where('baseline', baseline),
    ...(auto ? { baselineAuto: auto } : {}),
    // A history that is not there yet (a first run) skips baseline gates by default, as the fronts' auto does.
    baselineMissing: get<string>('baseline-missing', auto ? 'skip' : 'fail') === 'skip' ? 'skip' : 'fail',
    baselineRuns: get<number>('baseline-runs', DEFAULTS.baselineRuns),
    confidence: parseConfidence(get<unknown>('confidence', DEFAULTS.confidence)) ?? DEFAULTS.confidence,
    inconclusive: get<string>('inconclusive', 'pass') === 'fail' ? 'fail' : 'pass',
    docker: dockerOptions(get),
    server: serverTarget(values),
  };
}

function dockerOptions(get: <T>(name: string, fallback: T) => T): DockerOptions {
  return {
    host: get<string | undefined>('docker-host', undefined),
    ca: get<string | undefined>('tls-ca', undefined),
    cert: get<string | undefined>('tls-cert', undefined),
    key: get<string | undefined>('tls-key', undefined),
    insecurePlaintext: get<boolean>('insecure-plaintext', false),
  };
}

/** Problems of options together. A value that was given but is invalid has its own problem already. */
function crossChecks(options: RunOptions, given: Given): string[] {
  const has = (name: string) => given.raw.has(name);
  const problems: string[] = [];
  problems.push(...waitDetailProblems(has));
  // Goes into the JVM's command line through the image's launcher: nothing but a size may pass.
  if (options.heap !== undefined && !/^[1-9]\d*[kmg]$/i.test(options.heap))
    problems.push(`heap: ${JSON.stringify(options.heap)} is not a JVM heap size; use e.g. 512m or 2g`);
  else problems.push(...heapFitProblems(options));
  problems.push(...monitorProblems(options.monitor, options.gates));
  if (options.progressIntervalMs > 0 && options.progressIntervalMs < 1000)
    problems.push(
      `progress-interval: ${formatDuration(options.progressIntervalMs)} is too short for live statistics; use 1s or more, or 0 to turn them off`,
    );
  if (has('confidence') && parseConfidence(given.raw.get('confidence')) === undefined)
    problems.push(
      `confidence: ${JSON.stringify(given.raw.get('confidence'))} is not a confidence from 80% to 99.9%; use e.g. 95% or 0.99`,
    );
  const both = Object.keys(options.secretProps).filter((k) => k in options.props);
  if (both.length)
    problems.push(`secret-prop: ${both.join(', ')} also given with prop; give each property once`);
  const auto = options.baselineAuto && autoBaselineProblem(options.baselineAuto);
  if (auto) problems.push(auto);
  // With --baseline-missing skip, baseline gates without a baseline are skipped at the end, not refused now.
  if (!has('baseline') && options.baselineMissing === 'fail')
    problems.push(...baselineProblems(options.gates));
  return problems;
}

/**
 * Rewrites options.plans, files, splitCsv and jars relative to the test directory, which the bundle expects (see
 * testDirGlobs for the rule), and returns the problems. A glob may be written from where the user stands,
 * like every path: atq.yml's folder for the file, the cwd for flags.
 */
function globsInTestDir(options: RunOptions, given: Given, cwd: string, fileDir: string): string[] {
  const base = (name: string) => (given.fromFile.has(name) ? fileDir : cwd);
  const plans = testDirGlobs('plan', options.plans, options.testDir, base('plan'));
  const files = testDirGlobs('files', options.files, options.testDir, base('files'));
  const split = testDirGlobs('split-csv', options.splitCsv, options.testDir, base('split-csv'));
  const jars = testDirGlobs('jar', options.jars, options.testDir, base('jar'));
  options.plans = plans.globs;
  options.files = files.globs;
  options.splitCsv = split.globs;
  options.jars = jars.globs;
  return [...plans.problems, ...files.problems, ...split.problems, ...jars.problems];
}

/** "95%", "95", 0.95 or "0.95" as a fraction from 0.8 to 0.999, or undefined. */
export function parseConfidence(value: unknown): number | undefined {
  const text = String(value ?? '').trim();
  const m = /^(\d+(?:\.\d+)?)\s*(%)?$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  const fraction = m[2] || n > 1 ? n / 100 : n;
  return fraction >= 0.8 && fraction <= 0.999 ? fraction : undefined;
}
