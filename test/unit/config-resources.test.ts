import { valuesFromInputs, inputProblem } from '../../src/config/inputs.js';
import type { RunOptions } from '../../src/config/options.js';
import { resolveOptions } from '../../src/config/resolve.js';
import { largestHeapMb, memoryText, workerHeap } from '../../src/config/resources.js';
import { SERVER_DEFAULTS } from '../../src/server/context.js';
import { atqLimitProblems } from '../../src/server/limits.js';
import { taskPayload } from '../../src/remote/payload.js';
import { serviceResources } from '../../src/swarm/client.js';

/** --worker-cpus and --worker-memory (issue 24): read as Docker users write them, refused with what to write. */

const resolve = (flags: Record<string, unknown>, file: Record<string, unknown> = {}) =>
  resolveOptions(file, flags, '/w');
const MB = 1024 ** 2;
const GB = 1024 ** 3;

describe('--worker-cpus', () => {
  test.each([
    ['2', 2],
    ['0.5', 0.5],
    ['.5', 0.5],
    ['1.25', 1.25],
    [' 4 ', 4],
  ])('%j is %d CPUs', (text, cpus) => {
    expect(resolve({ 'worker-cpus': text }).options?.workerCpus).toBe(cpus);
  });

  test('atq.yml may give a number, as YAML reads 0.5', () => {
    expect(resolve({}, { 'worker-cpus': 0.5 }).options?.workerCpus).toBe(0.5);
  });

  test.each([
    [
      'two',
      'worker-cpus: "two" is not a number of CPUs; use e.g. 2 or 0.5 (as docker run --cpus takes them)',
    ],
    ['-1', 'worker-cpus: "-1" is not a number of CPUs; use e.g. 2 or 0.5 (as docker run --cpus takes them)'],
    [
      '50%',
      'worker-cpus: "50%" is not a number of CPUs; use e.g. 2 or 0.5 (as docker run --cpus takes them)',
    ],
    ['500m', 'worker-cpus: "500m" is not a number of CPUs; write 0.5 for 500 millicores'],
    ['0', 'worker-cpus: 0 CPUs is too little for a JMeter JVM; use at least 0.01, e.g. 0.5'],
    ['0.001', 'worker-cpus: 0.001 CPUs is too little for a JMeter JVM; use at least 0.01, e.g. 0.5'],
    ['5000', 'worker-cpus: 5000 CPUs is more than any node has; use at most 1024'],
  ])('%j is refused, saying what to write', (text, problem) => {
    expect(resolve({ 'worker-cpus': text }).problems).toEqual([problem]);
  });
});

describe('--worker-memory', () => {
  test.each([
    ['512m', 512 * MB],
    ['2g', 2 * GB],
    ['2G', 2 * GB],
    ['1.5GB', 1.5 * GB],
    ['1.5gb', 1.5 * GB],
    ['512MiB', 512 * MB],
    ['2 GB', 2 * GB],
    ['2048M', 2 * GB],
    ['1048576k', GB],
    ['536870912', 512 * MB],
    ['536870912b', 512 * MB],
  ])('%j is %d bytes, as docker run --memory reads it', (text, bytes) => {
    expect(resolve({ 'worker-memory': text }).options?.workerMemoryBytes).toBe(bytes);
  });

  test('atq.yml may give bytes as a number', () => {
    expect(resolve({}, { 'worker-memory': 2 * GB }).options?.workerMemoryBytes).toBe(2 * GB);
  });

  test.each([
    ['2 gigs', 'is not a memory size; use e.g. 512m, 2g or 1.5GB (as docker run --memory takes them)'],
    ['-1g', 'is not a memory size; use e.g. 512m, 2g or 1.5GB (as docker run --memory takes them)'],
    ['2gbb', 'is not a memory size; use e.g. 512m, 2g or 1.5GB (as docker run --memory takes them)'],
    ['256m', 'is less than a JMeter JVM needs (its heap and the memory beside it); give 512m or more'],
    ['0', 'is less than a JMeter JVM needs (its heap and the memory beside it); give 512m or more'],
    ['512', 'is 512 bytes (a number without a unit is bytes, as in Docker); write 512m for megabytes'],
  ])('%j is refused, saying what to write', (text, problem) => {
    expect(resolve({ 'worker-memory': text }).problems).toEqual([`worker-memory: "${text}" ${problem}`]);
  });

  test('every bad value of both is listed at once, named by the Action input that gave it', () => {
    const inputs: Record<string, string> = { 'worker-cpus': 'lots', 'worker-memory': '1 tonne' };
    const { values } = valuesFromInputs((n) => inputs[n] ?? '');
    expect(resolve(values).problems.map(inputProblem)).toEqual([
      expect.stringMatching(/^input worker-cpus: "lots" is not a number of CPUs/),
      expect.stringMatching(/^input worker-memory: "1 tonne" is not a memory size/),
    ]);
  });
});

describe('the heap of a worker with --worker-memory', () => {
  const opts = (flags: Record<string, unknown>) => {
    const { options, problems } = resolve(flags);
    expect(problems).toEqual([]);
    return options as RunOptions;
  };

  test('without --heap: the memory less a quarter, and at least 256MB, for the JVM beside its heap', () => {
    expect(workerHeap(opts({ 'worker-memory': '512m' }))).toBe('256m');
    expect(workerHeap(opts({ 'worker-memory': '1g' }))).toBe('768m');
    expect(workerHeap(opts({ 'worker-memory': '2g' }))).toBe('1536m');
    expect(workerHeap(opts({ 'worker-memory': '8g' }))).toBe('6144m');
    expect(largestHeapMb(1.5 * GB)).toBe(1152);
    // Neither option: the image's own heap, as before.
    expect(workerHeap(opts({}))).toBeUndefined();
  });

  test('--heap is kept when it fits', () => {
    expect(workerHeap(opts({ 'worker-memory': '2g', heap: '1536m' }))).toBe('1536m');
    expect(workerHeap(opts({ 'worker-memory': '2g', heap: '1g' }))).toBe('1g');
    expect(workerHeap(opts({ heap: '3g' }))).toBe('3g');
  });

  test.each([
    ['2g', '2g', '1536m'],
    ['3g', '2g', '1536m'],
    ['1537m', '2g', '1536m'],
    ['512m', '512m', '256m'],
  ])('--heap %s in --worker-memory %s is refused before anything starts', (heap, memory, most) => {
    expect(resolve({ heap, 'worker-memory': memory }).problems).toEqual([
      `heap: ${heap} does not fit in --worker-memory ${memory.replace(/[gm]$/, (u) => u.toUpperCase() + 'B')}: ` +
        'the JVM needs a quarter of it, and at least 256MB, beside its heap, or the container is killed when the ' +
        `heap fills; use --heap ${most} or less (or leave --heap out and ATQ sets that), or raise --worker-memory`,
    ]);
  });
});

describe('on an ATQ server', () => {
  const limits = { ...SERVER_DEFAULTS.limits, taskCpus: 2, taskMemoryBytes: 2 * GB };
  const problems = (flags: Record<string, unknown>, l = limits) =>
    atqLimitProblems(resolve(flags).options as RunOptions, l);

  test('a worker asking for more than every container may have is refused, naming the cap', () => {
    expect(problems({ 'worker-cpus': '2', 'worker-memory': '2g' })).toEqual([]);
    expect(problems({ 'worker-cpus': '4', 'worker-memory': '3g' })).toEqual([
      'worker-cpus: 4 is more than this server allows (--task-cpus 2); ask for less, or ask its operator to raise --task-cpus',
      'worker-memory: 3GB is more than this server allows (--task-memory 2GB); ask for less, or ask its operator to raise --task-memory',
    ]);
    // 0: no cap.
    expect(problems({ 'worker-cpus': '64' }, { ...limits, taskCpus: 0, taskMemoryBytes: 0 })).toEqual([]);
  });

  test('the task carries both exactly, in the form atq.yml takes', () => {
    const o = resolve({ 'worker-cpus': '0.5', 'worker-memory': '1.5GB' }).options as RunOptions;
    expect(taskPayload(o, { fileId: 'f1' })).toEqual({
      fileId: 'f1',
      'worker-cpus': 0.5,
      'worker-memory': '1536m',
    });
    expect([2 * GB, 512 * MB, 1536 * MB, 1000, 3 * 1024].map(memoryText)).toEqual([
      '2g',
      '512m',
      '1536m',
      1000,
      '3k',
    ]);
  });
});

describe("Swarm's Resources of a service", () => {
  test("the worker's own amounts are reserved and its limit; a client's caps limit it further", () => {
    expect(serviceResources({}, { cpus: 0.5, memoryBytes: 512 * MB })).toEqual({
      Resources: {
        Limits: { NanoCPUs: 500_000_000, MemoryBytes: 512 * MB },
        Reservations: { NanoCPUs: 500_000_000, MemoryBytes: 512 * MB },
      },
    });
    // An ATQ server's caps alone: limits, no reservation (the master, the wait command).
    expect(serviceResources({ cpus: 2, memoryBytes: 2 * GB })).toEqual({
      Resources: { Limits: { NanoCPUs: 2_000_000_000, MemoryBytes: 2 * GB } },
    });
    // Never a reservation above the limit: Docker would refuse to start the container.
    expect(serviceResources({ cpus: 1, memoryBytes: GB }, { cpus: 4 })).toEqual({
      Resources: {
        Limits: { NanoCPUs: 1_000_000_000, MemoryBytes: GB },
        Reservations: { NanoCPUs: 1_000_000_000 },
      },
    });
    expect(serviceResources({}, undefined)).toEqual({});
  });
});
