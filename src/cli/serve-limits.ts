import { parseSize } from '../config/resolve.js';
import { SERVER_DEFAULTS, type ServerLimits } from '../server/context.js';
import { allowMonitorProblems } from '../server/monitor-allow.js';
import { MAX_TIMER_MS, parseDuration } from '../util/duration.js';

/** `atq serve`'s caps on tasks, by flag: what each sets, its kind and its default (docs/server.md, "Limits"). */
const LIMIT_FLAGS = {
  'max-workers': { key: 'maxWorkers', kind: 'count' },
  'max-timeout': { key: 'maxTimeoutMs', kind: 'duration' },
  'max-delay': { key: 'maxDelayMs', kind: 'duration' },
  'max-bundle': { key: 'maxBundleBytes', kind: 'size' },
  'max-results': { key: 'maxResultBytes', kind: 'size' },
  'max-stored': { key: 'maxStoredBytesPerToken', kind: 'size' },
  'task-cpus': { key: 'taskCpus', kind: 'cpus' },
  'task-memory': { key: 'taskMemoryBytes', kind: 'size' },
  'keep-results': { key: 'keepResultsMs', kind: 'retention' },
} as const satisfies Record<string, { key: keyof ServerLimits; kind: string }>;

/** The flags' spec for parseFlags. */
export function limitFlagSpec() {
  return {
    ...Object.fromEntries(Object.keys(LIMIT_FLAGS).map((f) => [f, { type: 'string' as const }])),
    'allow-image': { type: 'string' as const, multiple: true },
    'allow-monitor': { type: 'string' as const, multiple: true },
  };
}

/** The caps from the flags (defaults for those not given); each bad value is a problem naming its flag. */
export function limitsFrom(flags: Record<string, unknown>, problems: string[]): ServerLimits {
  const limits: ServerLimits = {
    ...SERVER_DEFAULTS.limits,
    allowImages: (flags['allow-image'] as string[] | undefined) ?? [],
    allowMonitors: (flags['allow-monitor'] as string[] | undefined) ?? [],
  };
  problems.push(...allowMonitorProblems(limits.allowMonitors));
  for (const [flag, { key, kind }] of Object.entries(LIMIT_FLAGS)) {
    const raw = flags[flag];
    if (typeof raw !== 'string') continue;
    const value = parseLimit(kind, raw);
    if (value === undefined) problems.push(`${flag}: "${raw}" ${EXPECTED[kind]}`);
    else limits[key] = value;
  }
  return limits;
}

const EXPECTED: Record<string, string> = {
  count: 'is not a whole number from 1 to 10000',
  duration: 'is not a duration from 1s to 24 days, e.g. 2h or 10m',
  retention: 'is not a duration up to 24 days, e.g. 30d (0: keep everything)',
  size: 'is not a size such as 100MB or 5GB',
  cpus: 'is not a number of CPUs such as 2 or 0.5 (0: no limit)',
};

function parseLimit(kind: string, raw: string): number | undefined {
  switch (kind) {
    case 'count': {
      const n = Number(raw);
      return Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : undefined;
    }
    case 'duration':
    case 'retention': {
      const ms = parseDuration(raw);
      const least = kind === 'retention' ? 0 : 1000;
      return ms !== undefined && ms >= least && ms <= MAX_TIMER_MS ? ms : undefined;
    }
    case 'cpus': {
      const n = Number(raw);
      return raw.trim() && Number.isFinite(n) && n >= 0 && n <= 1024 ? n : undefined;
    }
    default:
      return parseSize(raw);
  }
}
