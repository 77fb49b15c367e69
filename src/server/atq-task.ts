import path from 'node:path';
import { parseAutoBaseline } from '../config/baseline-auto.js';
import { FIELD_NAMES } from '../config/fields.js';
import type { DockerOptions, RunLimits, RunOptions } from '../config/options.js';
import { resolveOptions } from '../config/resolve.js';
import type { ServerLimits } from './context.js';
import { atqLimitProblems, wildcards } from './limits.js';

/** Keys of a task body besides the `atq run` options (source: what the client says it tested). */
export const TASK_KEYS = ['fileId', 'name', 'schedule', 'source'] as const;

/**
 * Options the server decides, not the caller: where the files and results are on the server, how it
 * reaches the swarm, and anything that would leave objects behind or read the server's own files.
 */
export const SERVER_SET: Record<string, string> = {
  'test-dir': 'the task runs on the files of its fileId',
  out: 'results are kept by the server (GET /api/task/{id}/results)',
  'docker-host': 'the server connects to its own swarm',
  'tls-ca': 'the server connects to its own swarm',
  'tls-cert': 'the server connects to its own swarm',
  'tls-key': 'the server connects to its own swarm',
  'insecure-plaintext': 'the server connects to its own swarm',
  keep: 'the server always removes what a task created',
  server: 'this is the server',
  token: 'send the token in the Authorization header',
  'insecure-http': "a client's choice of how it reaches this server",
};

/** The `atq run` option values of an ATQ-form task body (everything but fileId, name, schedule). */
export function optionValues(body: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!(TASK_KEYS as readonly string[]).includes(k)) values[k] = v;
  return values;
}

/** Every problem with the option values, named as the body's keys; [] when they would run. */
export function optionProblems(
  values: Record<string, unknown>,
  folder: string,
  allowNetworks: string[] = [],
  limits?: ServerLimits,
): string[] {
  return resolveTaskOptions(values, folder, folder, {}, allowNetworks, limits).problems;
}

/**
 * Networks a task may join its containers to (--attach-network, to reach the system under test): only
 * those the operator allows with --allow-network (names, * as wildcard), never the cluster's own.
 */
export function networkProblems(networks: string[], allowed: string[]): string[] {
  const allows = wildcards(allowed);
  return networks
    .filter((n) => !allows(n))
    .map(
      (n) =>
        `attach-network: ${JSON.stringify(n)} is not allowed on this server` +
        (allowed.length ? ` (allowed: ${allowed.join(', ')})` : ' (it allows none)') +
        '; its operator can allow it with atq serve --allow-network NAME',
    );
}

/**
 * The run options of an ATQ-form task: the caller's values read as atq.yml values would be (same
 * table, same validation, same messages), with the upload's folder as the test directory.
 */
export function resolveTaskOptions(
  values: Record<string, unknown>,
  folder: string,
  resultsDir: string,
  docker: DockerOptions | Record<string, never>,
  allowNetworks: string[] = [],
  limits?: ServerLimits,
): { options?: RunOptions; problems: string[] } {
  const problems: string[] = [];
  const allowed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (SERVER_SET[k]) problems.push(`${k}: set by the server (${SERVER_SET[k]})`);
    else if (k === 'baseline' && !parseAutoBaseline(v) && !insideUpload(v))
      problems.push(
        'baseline: must be a relative path inside the upload (its summary.json files, e.g. ".atq-baseline"), ' +
          "or auto (this server's earlier runs of the task); no server path can be named",
      );
    else if (!FIELD_NAMES.has(k))
      problems.push(
        `${k}: unknown option; a task takes ${TASK_KEYS.join(', ')} and the atq run options ` +
          `(${[...FIELD_NAMES].filter((n) => !SERVER_SET[n]).join(', ')})`,
      );
    else allowed[k] = v;
  }
  const resolved = resolveOptions(allowed, { out: path.resolve(resultsDir) }, folder, folder);
  problems.push(...resolved.problems);
  if (resolved.options) problems.push(...networkProblems(resolved.options.attachNetworks, allowNetworks));
  if (resolved.options && limits) problems.push(...atqLimitProblems(resolved.options, limits));
  if (problems.length || !resolved.options) return { problems };
  const options: RunOptions = { ...resolved.options, testDir: folder, docker: docker as DockerOptions };
  if (limits) options.limits = runLimits(limits);
  return { options, problems };
}

/** What a task's run may copy out of its containers: its results in all, and a share of that per log. */
export function runLimits(limits: ServerLimits): RunLimits {
  return {
    resultBytes: limits.maxResultBytes,
    logBytes: Math.min(limits.maxResultBytes, LOG_BYTES),
    monitorAllow: limits.allowMonitors,
  };
}

/** One container's output kept in logs/: a chatty tool's hours of output are not a result. */
const LOG_BYTES = 64 * 1024 * 1024;

/** A path the caller may name: relative, and staying inside the upload's folder. */
function insideUpload(value: unknown): boolean {
  if (typeof value !== 'string' || !value || path.isAbsolute(value) || value.includes('\0')) return false;
  return !path.normalize(value).split(/[\\/]/).includes('..');
}
