import type { RunOptions } from '../config/options.js';
import type { GenericTaskSpec } from '../core/generic/spec.js';
import { formatBytes } from '../util/bytes.js';
import { durationText } from '../util/duration.js';
import type { ServerLimits } from './context.js';
import { monitorAllowProblems } from './monitor-allow.js';

/**
 * The server's caps on what one task asks for (docs/server.md, "Limits"). Checked when a task is submitted
 * and again when it starts (the operator may have lowered them meanwhile). Each problem names the field and
 * the flag that sets the cap, so a user knows what to ask the operator for.
 */
export function atqLimitProblems(o: RunOptions, limits: ServerLimits): string[] {
  return [
    ...most('workers', o.workers, limits.maxWorkers, '--max-workers', String),
    ...most('timeout', o.timeoutMs, limits.maxTimeoutMs, '--max-timeout', durationText),
    ...most('ready-timeout', o.readyTimeoutMs, limits.maxTimeoutMs, '--max-timeout', durationText),
    ...most('wait-timeout', o.waitCommand?.timeoutMs, limits.maxTimeoutMs, '--max-timeout', durationText),
    ...most('delay', o.delayMs, limits.maxDelayMs, '--max-delay', durationText),
    ...most('max-bundle-size', o.maxBundleBytes, limits.maxBundleBytes, '--max-bundle', formatBytes),
    ...heapProblems(o.heap, limits.taskMemoryBytes),
    // Every container's cap (0: none): a worker's own reservation above it could never be met.
    ...most('worker-cpus', o.workerCpus, limits.taskCpus || Infinity, '--task-cpus', String),
    ...most(
      'worker-memory',
      o.workerMemoryBytes,
      limits.taskMemoryBytes || Infinity,
      '--task-memory',
      formatBytes,
    ),
    ...imageProblems(
      [
        ['image', o.workerImage],
        ['master-image', o.masterImage],
        ['wait-image', o.waitCommand?.image],
      ],
      limits.allowImages,
    ),
    ...monitorAllowProblems(o.monitor, limits.allowMonitors),
  ];
}

/** The same caps on the seed's own task form. */
export function seedLimitProblems(spec: GenericTaskSpec, limits: ServerLimits): string[] {
  return [
    ...most('worker.replicas', spec.worker.replicas, limits.maxWorkers, '--max-workers', String),
    ...most('delay', spec.delayMs, limits.maxDelayMs, '--max-delay', durationText),
    ...most(
      'waitCommand.timeout',
      spec.waitCommand?.timeoutMs,
      limits.maxTimeoutMs,
      '--max-timeout',
      durationText,
    ),
    ...imageProblems(
      [
        ['master.image', spec.master.image],
        ['worker.image', spec.worker.image],
      ],
      limits.allowImages,
    ),
  ];
}

function most(
  field: string,
  value: number | undefined,
  max: number,
  flag: string,
  show: (n: number) => string,
): string[] {
  if (value === undefined || value <= max) return [];
  return [
    `${field}: ${show(value)} is more than this server allows (${flag} ${show(max)}); ask for less, ` +
      `or ask its operator to raise ${flag}`,
  ];
}

/** A JVM heap that cannot fit in the container's memory limit would be killed, not run. */
function heapProblems(heap: string | undefined, memoryBytes: number): string[] {
  const m = heap === undefined ? null : /^(\d+)([kmg])$/i.exec(heap);
  if (!m || !memoryBytes) return [];
  const bytes = Number(m[1]) * 1024 ** ' kmg'.indexOf((m[2] as string).toLowerCase());
  if (bytes < memoryBytes) return [];
  return [
    `heap: ${heap} does not fit in the memory each container may use on this server ` +
      `(--task-memory ${formatBytes(memoryBytes)}); ask for less, or ask its operator to raise --task-memory`,
  ];
}

/** Images outside --allow-image (none given: any image may run). `*` matches any text. */
export function imageProblems(images: [string, string | undefined][], allowed: string[]): string[] {
  if (!allowed.length) return [];
  const allows = wildcards(allowed);
  return images
    .filter(([, image]) => image !== undefined && !allows(image))
    .map(
      ([field, image]) =>
        `${field}: ${JSON.stringify(image)} is not an image this server runs (--allow-image ${allowed.join(', ')}); ` +
        'use one of those, or ask its operator to allow it',
    );
}

/** Whether a name matches one of the operator's patterns (`*` matches any text, nothing else is special). */
export function wildcards(patterns: string[]): (name: string) => boolean {
  const res = patterns.map(
    (a) => new RegExp(`^${a.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`),
  );
  return (name) => res.some((r) => r.test(name));
}
