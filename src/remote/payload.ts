import type { RunOptions } from '../config/options.js';
import { autoBaselineText } from '../config/baseline-auto.js';
import { resolveOptions } from '../config/resolve.js';
import { memoryText } from '../config/resources.js';
import { durationText } from '../util/duration.js';
import { sendableSource } from '../config/source-claim.js';
import type { RunSource } from '../core/source.js';

/**
 * Options that stay with the client: the test dir is what is uploaded, results come back into --out, the
 * server reaches its own swarm and always cleans up, and server/token say where to send all this. The
 * server refuses them in a task.
 */
export const CLIENT_ONLY = [
  'test-dir',
  'out',
  'docker-host',
  'tls-ca',
  'tls-cert',
  'tls-key',
  'insecure-plaintext',
  'keep',
  // How the client's console shows live statistics: the server's events carry every label anyway.
  'progress-labels',
  'baseline',
  'server',
  'token',
  'insecure-http',
] as const;

/** Every option a task carries, by its atq.yml name, as atq.yml would write it. */
export function taskOptionValues(o: RunOptions): Record<string, unknown> {
  const wait = o.waitCommand;
  return {
    plan: o.plans,
    files: o.files,
    heap: o.heap,
    'worker-cpus': o.workerCpus,
    'worker-memory': o.workerMemoryBytes === undefined ? undefined : memoryText(o.workerMemoryBytes),
    jit: o.jit,
    mode: o.mode,
    'split-csv': o.splitCsv,
    jar: o.jars,
    workers: o.workers,
    'worker-image': o.workerImage,
    'master-image': o.masterImage,
    prop: o.props,
    'secret-prop': o.secretProps,
    'jmeter-arg': o.jmeterArgs,
    timeout: durationText(o.timeoutMs),
    'ready-timeout': durationText(o.readyTimeoutMs),
    delay: durationText(o.delayMs),
    'progress-interval': durationText(o.progressIntervalMs),
    'wait-command': wait?.command,
    'wait-expected': wait?.expectedResult,
    'wait-timeout': wait && durationText(wait.timeoutMs),
    'wait-image': wait?.image,
    criteria: o.gates.map((g) => g.expression),
    'baseline-missing': o.baselineMissing,
    'baseline-runs': o.baselineRuns,
    confidence: `${+(o.confidence * 100).toFixed(1)}%`,
    inconclusive: o.inconclusive,
    'attach-network': o.attachNetworks,
    monitor: o.monitor,
    // The texts, parsed again by the server; none is off (the default criterion is among them when on).
    'auto-stop': o.autoStop.length ? o.autoStop.map((c) => c.text) : 'off',
    'network-encryption': o.networkEncryption,
    'rmi-ssl': o.rmiSsl ? 'on' : 'off',
    'max-bundle-size': o.maxBundleBytes,
  };
}

/**
 * The body of PUT /api/task: the upload's id, a name for the task list, and only the options that differ
 * from the defaults, so the task as the server lists it reads as what the user asked for.
 */
export function taskPayload(
  options: RunOptions,
  upload: { fileId: string; name?: string; baseline?: string; source?: RunSource },
): Record<string, unknown> {
  const defaults = resolveOptions({}, {}, options.testDir).options;
  const base = defaults ? taskOptionValues(defaults) : {};
  const payload: Record<string, unknown> = { fileId: upload.fileId };
  if (upload.name) payload.name = upload.name;
  // Not the local path: where the upload holds the baseline's summaries.
  if (upload.baseline) payload.baseline = upload.baseline;
  const source = sendableSource(upload.source);
  if (source) payload.source = source;
  for (const [key, value] of Object.entries(taskOptionValues(options))) {
    if (value === undefined) continue;
    if (JSON.stringify(value) !== JSON.stringify(base[key])) payload[key] = value;
  }
  if (options.baselineAuto) {
    payload.baseline = autoBaselineText(options.baselineAuto);
    // Always said: with auto the server's default is skip, and the user may have asked for fail.
    payload['baseline-missing'] = options.baselineMissing;
  }
  return payload;
}
