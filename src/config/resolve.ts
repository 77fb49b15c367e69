import path from 'node:path';
import { criteriaProblems, parseGates, type Gate } from '../results/gates.js';
import { parseDuration } from '../util/duration.js';
import { DEFAULTS, type RunOptions, type WaitCommand } from './options.js';
import { FIELDS, FIELD_NAMES, type Field } from './fields.js';

export type RawOptions = Record<string, unknown>;

export interface Resolved {
  options?: RunOptions;
  problems: string[];
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1024,
  k: 1024,
  mb: 1024 ** 2,
  m: 1024 ** 2,
  gb: 1024 ** 3,
};

export function parseSize(input: unknown): number | undefined {
  if (typeof input === 'number') return input >= 0 ? input : undefined;
  if (typeof input !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(input);
  const unit = SIZE_UNITS[(m?.[2] ?? '').toLowerCase()];
  return m && unit !== undefined ? Math.round(Number(m[1]) * unit) : undefined;
}

/**
 * Merges atq.yml (`file`) and command-line flags (`flags`, which win), checks every value and returns the
 * options or every problem found, each naming the field and what it accepts.
 */
export function resolveOptions(file: RawOptions, flags: RawOptions, cwd: string, fileDir = cwd): Resolved {
  const problems: string[] = [];
  const raw: RawOptions = {};
  const fromFile = new Set<string>();
  for (const [source, values] of [
    ['atq.yml', normaliseFile(file, problems)],
    ['flag', flags],
  ] as const) {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) continue;
      if (!FIELD_NAMES.has(key)) {
        problems.push(`${source} "${key}": unknown option; known options are ${[...FIELD_NAMES].join(', ')}`);
        continue;
      }
      raw[key] = value;
      if (source === 'atq.yml') fromFile.add(key);
      else fromFile.delete(key);
    }
  }
  // Paths in atq.yml are relative to the file, as users expect of a config file; flags to the cwd.
  const base = (name: string) => (fromFile.has(name) ? fileDir : cwd);

  const get = <T>(name: string, fallback: T): T => {
    const field = FIELDS.find((f) => f.name === name) as Field;
    const value = raw[name];
    if (value === undefined) return fallback;
    const parsed = parseField(field, value);
    if (parsed.problem) {
      problems.push(`${name}: ${parsed.problem}`);
      return fallback;
    }
    return parsed.value as T;
  };

  const testDir = path.resolve(base('test-dir'), get<string>('test-dir', '.'));
  const image = get<string | undefined>('image', undefined);
  const workerImage = get<string | undefined>('worker-image', image);
  const masterImage = get<string | undefined>('master-image', image);
  if (!workerImage || !masterImage) {
    problems.push(
      'image: no JMeter image given; pass --image IMG (or worker-image and master-image) with an image that has ' +
        'jmeter on PATH or under /opt/apache-jmeter*, e.g. the one test/env/up.sh builds',
    );
  }
  const workers = get<number>('workers', DEFAULTS.workers);
  if (workers < 1 || workers > 500) problems.push(`workers: ${workers} is out of range; use 1 to 500`);

  const rmiSslText = get<string>('rmi-ssl', 'on');
  if (!['on', 'off'].includes(rmiSslText))
    problems.push(`rmi-ssl: "${rmiSslText}" is not allowed; use on or off`);

  const waitCommandText = get<string | WaitCommandInput | undefined>('wait-command', undefined);
  let waitCommand: WaitCommand | undefined;
  if (waitCommandText !== undefined) {
    const input: WaitCommandInput =
      typeof waitCommandText === 'string' ? { command: waitCommandText } : waitCommandText;
    const timeoutMs = get<number>(
      'wait-timeout',
      input.timeoutMs ?? (parseDuration(DEFAULTS.waitTimeout) as number),
    );
    waitCommand = {
      command: input.command,
      expectedResult: get<string | undefined>('wait-expected', input.expectedResult),
      timeoutMs,
      image: get<string | undefined>('wait-image', input.image),
    };
  }

  const criteria = get<(string | Record<string, unknown>)[]>('criteria', []);
  const { gates, problems: gateProblems } = parseGates(criteria);
  problems.push(...criteriaProblems(gateProblems));
  const baseline = get<string | undefined>('baseline', undefined);
  const baselineFile = baseline === undefined ? undefined : path.resolve(base('baseline'), baseline);
  const options: RunOptions = {
    testDir,
    plans: get<string[]>('plan', [...DEFAULTS.plans]),
    files: get<string[]>('files', [...DEFAULTS.files]),
    workers,
    workerImage: workerImage ?? '',
    masterImage: masterImage ?? '',
    props: get<Record<string, string>>('prop', {}),
    jmeterArgs: get<string[]>('jmeter-arg', []),
    outDir: path.resolve(base('out'), get<string>('out', DEFAULTS.outDir)),
    timeoutMs: get<number>('timeout', parseDuration(DEFAULTS.timeout) as number),
    readyTimeoutMs: get<number>('ready-timeout', parseDuration(DEFAULTS.readyTimeout) as number),
    delayMs: get<number>('delay', 0),
    waitCommand,
    attachNetworks: get<string[]>('attach-network', []),
    networkEncryption: get<boolean>('network-encryption', false),
    rmiSsl: rmiSslText !== 'off',
    keep: get<boolean>('keep', false),
    maxBundleBytes: get<number>('max-bundle-size', parseSize(DEFAULTS.maxBundleSize) as number),
    gates: gates as Gate[],
    baselineFile,
    docker: {
      host: get<string | undefined>('docker-host', undefined),
      ca: get<string | undefined>('tls-ca', undefined),
      cert: get<string | undefined>('tls-cert', undefined),
      key: get<string | undefined>('tls-key', undefined),
      insecurePlaintext: get<boolean>('insecure-plaintext', false),
    },
  };
  for (const [name, list] of [
    ['plan', options.plans],
    ['files', options.files],
  ] as const) {
    for (const glob of list) {
      if (path.isAbsolute(glob) || glob.split(/[\\/]/).includes('..')) {
        problems.push(`${name}: "${glob}" must be a glob relative to test-dir (${testDir}), without ".."`);
      }
    }
  }
  return problems.length ? { problems } : { options, problems };
}

interface WaitCommandInput {
  command: string;
  expectedResult?: string;
  timeoutMs?: number;
  image?: string;
}

/** atq.yml may use a map for `prop` and an object for `wait-command`; flags use lists of strings. */
function normaliseFile(file: RawOptions, problems: string[]): RawOptions {
  const out: RawOptions = { ...file };
  const wait = file['wait-command'];
  if (wait && typeof wait === 'object' && !Array.isArray(wait)) {
    const w = wait as Record<string, unknown>;
    const allowed = ['command', 'expected-result', 'timeout', 'image'];
    for (const key of Object.keys(w)) {
      if (!allowed.includes(key))
        problems.push(`atq.yml wait-command.${key}: unknown; allowed: ${allowed.join(', ')}`);
    }
    if (typeof w.command !== 'string' || !w.command.trim()) {
      problems.push('atq.yml wait-command.command: required, a shell command');
    }
    const timeoutMs = w.timeout === undefined ? undefined : parseDuration(w.timeout as string);
    if (w.timeout !== undefined && timeoutMs === undefined) {
      problems.push(`atq.yml wait-command.timeout: "${String(w.timeout)}" is not a duration such as 30s, 5m`);
    }
    out['wait-command'] = {
      command: String(w.command ?? ''),
      expectedResult: w['expected-result'] === undefined ? undefined : String(w['expected-result']),
      timeoutMs,
      image: w.image === undefined ? undefined : String(w.image),
    } satisfies WaitCommandInput;
  }
  return out;
}

function parseField(field: Field, value: unknown): { value?: unknown; problem?: string } {
  switch (field.kind) {
    case 'string':
      return typeof value === 'string' && value.trim() !== ''
        ? { value }
        : typeof value === 'number'
          ? { value: String(value) }
          : { problem: `expected a non-empty text, got ${JSON.stringify(value)}` };
    case 'list': {
      const list = Array.isArray(value) ? value : [value];
      return list.every((v) => typeof v === 'string' || typeof v === 'number')
        ? { value: list.map(String) }
        : { problem: `expected a text or a list of texts, got ${JSON.stringify(value)}` };
    }
    case 'int': {
      const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
      return typeof n === 'number' && Number.isInteger(n)
        ? { value: n }
        : { problem: `expected a whole number, got ${JSON.stringify(value)}` };
    }
    case 'bool':
      if (typeof value === 'boolean') return { value };
      if (value === 'true' || value === 'false') return { value: value === 'true' };
      return { problem: `expected true or false, got ${JSON.stringify(value)}` };
    case 'duration': {
      const ms = typeof value === 'string' || typeof value === 'number' ? parseDuration(value) : undefined;
      return ms === undefined
        ? {
            problem: `"${String(value)}" is not a duration; use e.g. 1500ms, 30s, 5m, 2h (a bare number is seconds)`,
          }
        : { value: ms };
    }
    case 'size': {
      const bytes = parseSize(value);
      return bytes === undefined
        ? { problem: `"${String(value)}" is not a size; use e.g. 500KB, 20MB` }
        : { value: bytes };
    }
    case 'props':
      return parseProps(value);
    case 'criteria': {
      const list = Array.isArray(value) ? value : [value];
      return list.every(
        (v) => typeof v === 'string' || (typeof v === 'object' && v !== null && !Array.isArray(v)),
      )
        ? { value: list }
        : { problem: 'expected gate expressions (texts) or {label, metric, op, value} objects' };
    }
    case 'wait':
      if (typeof value === 'string' && value.trim()) return { value };
      if (value && typeof value === 'object' && 'command' in value) return { value };
      return {
        problem: 'expected a shell command, or in atq.yml {command, expected-result, timeout, image}',
      };
  }
}

function parseProps(value: unknown): { value?: Record<string, string>; problem?: string } {
  const out: Record<string, string> = {};
  const bad: string[] = [];
  const add = (key: string, v: unknown) => {
    if (!/^[\w.-]+$/.test(key)) bad.push(key);
    else out[key] = v === null || v === undefined ? '' : String(v);
  };
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) add(k, v);
  } else {
    for (const item of Array.isArray(value) ? value : [value]) {
      const text = String(item);
      const eq = text.indexOf('=');
      if (eq <= 0) return { problem: `"${text}" is not KEY=VALUE` };
      add(text.slice(0, eq), text.slice(eq + 1));
    }
  }
  return bad.length
    ? {
        problem: `property names may use letters, digits, _ . - only: ${bad.map((b) => JSON.stringify(b)).join(', ')}`,
      }
    : { value: out };
}
