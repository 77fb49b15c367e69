import { formatBytes } from '../util/bytes.js';
import type { Field } from './fields.js';
import type { RunOptions } from './options.js';
import { fail, ok, show, type Parsed } from './parse-value.js';

/**
 * --worker-cpus and --worker-memory: what each worker or engine gets (a Swarm reservation and a limit of the
 * same size), read as Docker users write them (`docker run --cpus 0.5 --memory 2g`), and the JVM heap that
 * fits in that memory.
 */

const MB = 1024 ** 2;
const UNITS: Record<string, number> = { '': 1, k: 1024, m: MB, g: 1024 ** 3, t: 1024 ** 4 };

/** Docker refuses less than a thousandth of a CPU; a JMeter JVM on less than a hundredth never gets ready. */
const MIN_CPUS = 0.01;
/** More than any node has: a typo (an extra zero), not a wish. */
const MAX_CPUS = 1024;
/** A JMeter JVM's heap (256MB) and what it needs beside it (256MB). */
export const MIN_WORKER_MEMORY = 512 * MB;

/** CPUs as `docker run --cpus` takes them: 2, 0.5, 1.25. */
export function parseCpus(field: Pick<Field, 'name'>, value: unknown): Parsed {
  const text = typeof value === 'number' || typeof value === 'string' ? String(value).trim() : '';
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(text)) {
    // Kubernetes' millicores: say what they are in Docker's terms rather than just "no".
    const milli = /^(\d+)m$/i.exec(text);
    if (milli)
      return fail(
        field,
        `${show(value)} is not a number of CPUs; write ${Number(milli[1]) / 1000} for ${milli[1]} millicores`,
      );
    return fail(
      field,
      `${show(value)} is not a number of CPUs; use e.g. 2 or 0.5 (as docker run --cpus takes them)`,
    );
  }
  const n = Number(text);
  if (n < MIN_CPUS)
    return fail(field, `${text} CPUs is too little for a JMeter JVM; use at least ${MIN_CPUS}, e.g. 0.5`);
  if (n > MAX_CPUS) return fail(field, `${text} CPUs is more than any node has; use at most ${MAX_CPUS}`);
  return ok(n);
}

/** Memory as `docker run --memory` takes it: 512m, 2g, 1.5GB, 512MiB (binary units); a bare number is bytes. */
export function parseMemory(field: Pick<Field, 'name'>, value: unknown): Parsed {
  const text = typeof value === 'number' || typeof value === 'string' ? String(value).trim() : '';
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*(?:([kmgt])i?b?|b)?$/i.exec(text);
  if (!m)
    return fail(
      field,
      `${show(value)} is not a memory size; use e.g. 512m, 2g or 1.5GB (as docker run --memory takes them)`,
    );
  const unit = (m[2] ?? '').toLowerCase();
  const bytes = Math.floor(Number(m[1]) * (UNITS[unit] as number));
  if (bytes >= MIN_WORKER_MEMORY) return ok(bytes);
  // Docker reads a bare number as bytes: "512" meant megabytes, most likely.
  if (!m[2] && !/b$/i.test(text) && Number(m[1]) * MB >= MIN_WORKER_MEMORY)
    return fail(
      field,
      `${show(value)} is ${bytes} bytes (a number without a unit is bytes, as in Docker); write ${text}m for megabytes`,
    );
  return fail(
    field,
    `${show(value)} is less than a JMeter JVM needs (its heap and the memory beside it); give 512m or more`,
  );
}

/** What a JVM needs beside its heap (classes, threads' stacks, the JIT's code, GC structures, buffers). */
function roomBesideHeap(memoryBytes: number): number {
  return Math.max(memoryBytes / 4, 256 * MB);
}

/** The largest heap that leaves the JVM its room in `memoryBytes`, in whole megabytes. */
export function largestHeapMb(memoryBytes: number): number {
  return Math.floor((memoryBytes - roomBesideHeap(memoryBytes)) / MB);
}

/** A --heap value (already checked: digits and k, m or g) in bytes. */
export function heapBytes(heap: string): number {
  const m = /^(\d+)([kmg])$/i.exec(heap);
  return m ? Number(m[1]) * (UNITS[(m[2] as string).toLowerCase()] as number) : NaN;
}

/**
 * The JVM heap of workers and engines: --heap; with --worker-memory alone, the largest that fits, since the
 * images' own defaults do not know the limit (ours takes up to 1g, Apache's bin/jmeter 1g from the start)
 * and a heap that grows past it gets the JVM killed in the middle of the test. Undefined: the image's.
 */
export function workerHeap(o: Pick<RunOptions, 'heap' | 'workerMemoryBytes'>): string | undefined {
  if (o.heap !== undefined || o.workerMemoryBytes === undefined) return o.heap;
  return `${largestHeapMb(o.workerMemoryBytes)}m`;
}

/** --heap against --worker-memory: a heap that does not leave the JVM its room would be OOM-killed. */
export function heapFitProblems(o: Pick<RunOptions, 'heap' | 'workerMemoryBytes'>): string[] {
  if (o.heap === undefined || o.workerMemoryBytes === undefined) return [];
  const most = largestHeapMb(o.workerMemoryBytes);
  if (heapBytes(o.heap) <= most * MB) return [];
  return [
    `heap: ${o.heap} does not fit in --worker-memory ${formatBytes(o.workerMemoryBytes)}: the JVM needs a quarter ` +
      `of it, and at least 256MB, beside its heap, or the container is killed when the heap fills; use --heap ` +
      `${most}m or less (or leave --heap out and ATQ sets that), or raise --worker-memory`,
  ];
}

/** The memory in the form atq.yml takes, exactly (for a task sent to a server): 2g, 1536m, or bytes. */
export function memoryText(bytes: number): string | number {
  for (const unit of ['g', 'm', 'k'] as const) {
    const size = UNITS[unit] as number;
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return bytes;
}
