import path from 'node:path';
import {
  LIMITS,
  RESERVED_ENV,
  type GenericTaskSpec,
  type GenericWaitCommand,
  type ServiceDef,
} from '../core/generic/spec.js';

/**
 * The seed's task payload (thesis A.4 and its TaskPayload/ServicePayload/WaitCommand models), checked as
 * the seed documented it. Every problem is returned at once, each naming its field; nothing throws (the
 * seed answered 500 on a missing field, we answer 400 with the list).
 *
 * Decisions where the seed was silent:
 * - `args` is an array of strings given to the image's entrypoint as they are (Swarm's Args); a single
 *   string is refused rather than split, since no splitting rule would match every shell's.
 * - `environment` is the seed's array of "NAME=value" strings, or an object {NAME: value}.
 * - `waitCommand.expectedResult` "" means "no expected output" (the seed's Go model could not tell an
 *   empty string from a missing one); `timeout` (seconds) bounds all attempts together, default 60.
 * - `collect` (ours): paths in the master's container to copy out; at the top level or in `master`.
 * - `tty` is accepted and ignored: output is read as lines, and nobody attaches to a service.
 */
export function parseSeedTask(body: unknown): { spec?: GenericTaskSpec; problems: string[] } {
  const problems: string[] = [];
  if (!isObject(body)) {
    return { problems: ['body: must be a JSON object with name, master and worker (the seed task payload)'] };
  }
  unknownKeys(body, TOP_KEYS, '', problems);
  const name = text(body.name, 'name', problems, { required: true, max: 128 });
  const delay = seconds(body.delay, 'delay', problems, 0, LIMITS.maxDelaySeconds) ?? 0;
  const waitCommand = waitCommandOf(body.waitCommand, problems);
  const master = service(body.master, 'master', problems);
  const worker = service(body.worker, 'worker', problems);
  const collect = [
    ...paths(body.collect, 'collect', problems),
    ...(isObject(body.master) ? paths(body.master.collect, 'master.collect', problems) : []),
  ];
  if (collect.length > LIMITS.maxCollect) {
    problems.push(`collect: at most ${LIMITS.maxCollect} paths (got ${collect.length})`);
  }
  if (problems.length || !name || !master || !worker) return { problems };
  const spec: GenericTaskSpec = {
    name,
    delayMs: delay * 1000,
    master,
    worker,
    collect: [...new Set(collect)],
  };
  if (waitCommand) spec.waitCommand = waitCommand;
  return { spec, problems };
}

const TOP_KEYS = ['name', 'delay', 'waitCommand', 'master', 'worker', 'collect'];
const SERVICE_KEYS = ['alias', 'image', 'args', 'environment', 'replicas', 'fileId', 'fileid', 'tty'];
const WAIT_KEYS = ['command', 'expectedResult', 'timeout'];
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unknownKeys(o: Obj, allowed: string[], prefix: string, problems: string[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) problems.push(`${prefix}${k}: unknown field; allowed: ${allowed.join(', ')}`);
  }
}

function text(
  v: unknown,
  field: string,
  problems: string[],
  opts: { required?: boolean; max: number; what?: string },
): string | undefined {
  const what = opts.what ?? 'a non-empty string';
  if (v === undefined || v === null) {
    if (opts.required) problems.push(`${field}: required, ${what}`);
    return undefined;
  }
  if (typeof v !== 'string' || !v.trim()) {
    problems.push(`${field}: must be ${what}`);
    return undefined;
  }
  if (v.length > opts.max) {
    problems.push(`${field}: at most ${opts.max} characters (got ${v.length})`);
    return undefined;
  }
  return v;
}

/** An integer number of seconds within [min, max], or undefined when absent or wrong. */
function seconds(
  v: unknown,
  field: string,
  problems: string[],
  min: number,
  max: number,
): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    problems.push(`${field}: must be a whole number of seconds from ${min} to ${max}`);
    return undefined;
  }
  return v;
}

function waitCommandOf(v: unknown, problems: string[]): GenericWaitCommand | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) {
    problems.push('waitCommand: must be an object {command, expectedResult, timeout}');
    return undefined;
  }
  unknownKeys(v, WAIT_KEYS, 'waitCommand.', problems);
  const command = text(v.command, 'waitCommand.command', problems, {
    required: true,
    max: 4096,
    what: 'a shell command',
  });
  let expected: string | undefined;
  if (v.expectedResult !== undefined && v.expectedResult !== null) {
    if (typeof v.expectedResult !== 'string') problems.push('waitCommand.expectedResult: must be a string');
    else if (v.expectedResult !== '') expected = v.expectedResult;
  }
  const timeout =
    seconds(v.timeout, 'waitCommand.timeout', problems, 1, LIMITS.maxWaitSeconds) ??
    LIMITS.defaultWaitSeconds;
  if (!command) return undefined;
  return {
    command,
    ...(expected !== undefined ? { expectedResult: expected } : {}),
    timeoutMs: timeout * 1000,
  };
}

function service(v: unknown, role: 'master' | 'worker', problems: string[]): ServiceDef | undefined {
  if (v === undefined || v === null) {
    problems.push(`${role}: required, an object {image, args, environment, replicas, fileId, ...}`);
    return undefined;
  }
  if (!isObject(v)) {
    problems.push(`${role}: must be an object {image, args, environment, replicas, fileId, ...}`);
    return undefined;
  }
  unknownKeys(v, role === 'master' ? [...SERVICE_KEYS, 'collect'] : SERVICE_KEYS, `${role}.`, problems);
  const image = imageOf(v.image, `${role}.image`, problems);
  const alias = text(v.alias, `${role}.alias`, problems, { max: 63 });
  const args = argsOf(v.args, `${role}.args`, problems);
  const env = envOf(v.environment, `${role}.environment`, problems);
  const replicas = replicasOf(v.replicas, role, problems);
  const fileId = fileIdOf(v, role, problems);
  if (v.tty !== undefined && v.tty !== null && typeof v.tty !== 'boolean') {
    problems.push(`${role}.tty: must be true or false`);
  }
  if (!image || !args || !env || replicas === undefined) return undefined;
  const def: ServiceDef = { image, args, env, replicas, tty: v.tty === true };
  if (alias) def.alias = alias;
  if (fileId) def.fileId = fileId;
  return def;
}

function imageOf(v: unknown, field: string, problems: string[]): string | undefined {
  const image = text(v, field, problems, { required: true, max: 255, what: 'a Docker image name' });
  if (image && /\s/.test(image)) {
    problems.push(`${field}: must be a Docker image name without spaces (e.g. "alpine:3.20")`);
    return undefined;
  }
  return image;
}

function argsOf(v: unknown, field: string, problems: string[]): string[] | undefined {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') {
    problems.push(
      `${field}: must be an array of strings, one per argument (e.g. ["sh", "-c", "run.sh"]); a single string is not split`,
    );
    return undefined;
  }
  if (!Array.isArray(v) || v.some((a) => typeof a !== 'string')) {
    problems.push(`${field}: must be an array of strings, one per argument`);
    return undefined;
  }
  return v as string[];
}

/** The seed's ["NAME=value", ...] or {NAME: value}; the names ATQ sets itself are refused. */
function envOf(v: unknown, field: string, problems: string[]): Record<string, string> | undefined {
  if (v === undefined || v === null) return {};
  const entries: [string, string][] = [];
  const before = problems.length;
  if (Array.isArray(v)) {
    v.forEach((item, i) => {
      const eq = typeof item === 'string' ? item.indexOf('=') : -1;
      if (typeof item !== 'string' || eq < 1) {
        problems.push(`${field}[${i}]: must be a "NAME=value" string`);
      } else entries.push([item.slice(0, eq), item.slice(eq + 1)]);
    });
  } else if (isObject(v)) {
    for (const [k, value] of Object.entries(v)) {
      if (['string', 'number', 'boolean'].includes(typeof value)) entries.push([k, String(value)]);
      else problems.push(`${field}.${k}: must be a string, number or boolean`);
    }
  } else {
    problems.push(`${field}: must be an array of "NAME=value" strings or an object {NAME: value}`);
    return undefined;
  }
  for (const [k] of entries) {
    if (!ENV_NAME.test(k)) problems.push(`${field}: ${JSON.stringify(k)} is not a valid variable name`);
    else if ((RESERVED_ENV as readonly string[]).includes(k)) {
      problems.push(`${field}: ${k} is set by ATQ (the workers' addresses) and cannot be given`);
    }
  }
  return problems.length > before ? undefined : Object.fromEntries(entries);
}

function replicasOf(v: unknown, role: 'master' | 'worker', problems: string[]): number | undefined {
  const field = `${role}.replicas`;
  if (role === 'master') {
    if (v === undefined || v === null || v === 1) return 1;
    problems.push(`${field}: must be 1 (a task has one master; scale the workers instead), or left out`);
    return undefined;
  }
  const max = LIMITS.maxWorkers;
  if (v === undefined || v === null) {
    problems.push(`${field}: required, an integer from 1 to ${max} (how many workers)`);
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) {
    problems.push(`${field}: must be an integer from 1 to ${max}`);
    return undefined;
  }
  return v;
}

/** The seed's example spells it `fileid`, its model `fileId`: either, not both. */
function fileIdOf(v: Obj, role: string, problems: string[]): string | undefined {
  if (v.fileId !== undefined && v.fileid !== undefined) {
    problems.push(`${role}.fileId: given twice (fileId and fileid); keep one`);
    return undefined;
  }
  const key = v.fileId !== undefined ? 'fileId' : 'fileid';
  return text(v[key], `${role}.${key}`, problems, { max: 128, what: 'the id of an upload (a string)' });
}

/** Absolute paths in the master's container; "/" alone would copy its whole file system. */
function paths(v: unknown, field: string, problems: string[]): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    problems.push(`${field}: must be an array of absolute paths in the master's container`);
    return [];
  }
  const out: string[] = [];
  v.forEach((p, i) => {
    const where = `${field}[${i}]`;
    if (typeof p !== 'string' || !p.startsWith('/')) {
      problems.push(`${where}: must be an absolute path in the master's container (e.g. "/out/result.txt")`);
    } else if (path.posix.normalize(p) === '/' || p.split('/').includes('..')) {
      problems.push(`${where}: must name a file or folder below / without ".." (got ${JSON.stringify(p)})`);
    } else out.push(path.posix.normalize(p).replace(/\/$/, ''));
  });
  return out;
}
