import path from 'node:path';
import { resolveOptions, parseSize } from '../../src/config/resolve.js';
import { parseDuration } from '../../src/util/duration.js';
import { inputProblem, valuesFromInputs } from '../../src/config/inputs.js';

const cwd = '/work/repo';

describe('resolveOptions', () => {
  test('defaults: 2 workers, all plans, 30 min, RMI SSL on, results under ./atq-results', () => {
    const { options, problems } = resolveOptions({}, { image: 'jm:5' }, cwd);
    expect(problems).toEqual([]);
    expect(options).toMatchObject({
      testDir: cwd,
      plans: ['**/*.jmx'],
      workers: 2,
      workerImage: 'jm:5',
      masterImage: 'jm:5',
      timeoutMs: 30 * 60_000,
      readyTimeoutMs: 120_000,
      rmiSsl: true,
      keep: false,
      outDir: path.join(cwd, 'atq-results'),
    });
  });

  test('flags win over atq.yml; atq.yml paths are relative to the file, flag paths to the cwd', () => {
    const file = { workers: 4, 'test-dir': 'perf', out: 'res', image: 'a:1', prop: { users: 10 } };
    const { options } = resolveOptions(file, { workers: '6', out: 'o2' }, cwd, '/work/repo/ci');
    expect(options?.workers).toBe(6);
    expect(options?.testDir).toBe('/work/repo/ci/perf');
    expect(options?.outDir).toBe('/work/repo/o2');
    expect(options?.props).toEqual({ users: '10' });
  });

  test('worker and master images may differ; --prop KEY=VALUE keeps "=" in values', () => {
    const { options } = resolveOptions(
      {},
      { 'worker-image': 'w:1', 'master-image': 'm:1', prop: ['q=a=b', 'e='] },
      cwd,
    );
    expect(options).toMatchObject({ workerImage: 'w:1', masterImage: 'm:1', props: { q: 'a=b', e: '' } });
  });

  test('wait command from flags or as an object in atq.yml', () => {
    const fromFlags = resolveOptions(
      {},
      { image: 'i', 'wait-command': 'curl x', 'wait-expected': 'ok', 'wait-timeout': '90s' },
      cwd,
    );
    expect(fromFlags.options?.waitCommand).toEqual({
      command: 'curl x',
      expectedResult: 'ok',
      timeoutMs: 90_000,
      image: undefined,
    });
    const fromFile = resolveOptions(
      { image: 'i', 'wait-command': { command: 'true', timeout: '5s', image: 'busybox' } },
      {},
      cwd,
    );
    expect(fromFile.options?.waitCommand).toEqual({
      command: 'true',
      expectedResult: undefined,
      timeoutMs: 5000,
      image: 'busybox',
    });
  });

  test.each([
    [{ workers: 'many' }, 'workers: expected a whole number, got "many"'],
    [{ workers: '0' }, 'workers: 0 is out of range; use 1 to 500'],
    [{ timeout: '10 minutes' }, 'timeout: "10 minutes" is not a duration'],
    [{ 'rmi-ssl': 'maybe' }, 'rmi-ssl: "maybe" is not allowed; use on or off'],
    [{ prop: ['novalue'] }, 'prop: "novalue" is not KEY=VALUE'],
    [{ prop: ['bad key=1'] }, 'property names may use letters, digits'],
    [{ plan: ['../outside.jmx'] }, 'plan: "../outside.jmx" is outside the test directory (/work/repo)'],
    [{ 'max-bundle-size': 'huge' }, 'max-bundle-size: "huge" is not a size'],
    [{ keep: 'yes' }, 'keep: expected true or false'],
  ])('rejects %j with a message naming the field and what it accepts', (flags, message) => {
    const { options, problems } = resolveOptions({}, { image: 'i', ...flags }, cwd);
    expect(options).toBeUndefined();
    expect(problems.join('\n')).toContain(message);
  });

  test('lists every problem at once, including unknown keys in atq.yml and a missing image', () => {
    const { problems } = resolveOptions(
      { wokers: 3, 'wait-command': { command: '', retries: 2 } },
      { timeout: 'x' },
      cwd,
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('atq.yml "wokers": unknown option; known options are plan, files'),
        expect.stringContaining('wait-command.retries: unknown'),
        expect.stringContaining('wait-command.command: required'),
        expect.stringContaining('timeout: "x" is not a duration'),
      ]),
    );
  });
});

describe('criteria and baseline', () => {
  test('gates from atq.yml (texts and the long form) or flags; the baseline path is resolved', () => {
    const file = {
      image: 'i',
      criteria: ['p95 < 1s', { label: 'a: b', metric: 'p99', op: '<', value: '2s' }],
      baseline: 'prev/summary.json',
    };
    const { options } = resolveOptions(file, {}, cwd, '/work/repo/ci');
    expect(options?.gates.map((g) => [g.label, g.metric, g.value])).toEqual([
      [null, 'p95', 1000],
      ['a: b', 'p99', 2000],
    ]);
    expect(options?.baselineFile).toBe('/work/repo/ci/prev/summary.json');
    expect(
      resolveOptions({}, { image: 'i', criteria: ['error_rate < 1%'] }, cwd).options?.gates,
    ).toHaveLength(1);
  });

  test('invalid gates are configuration problems, with the allowed forms', () => {
    const { problems } = resolveOptions({}, { image: 'i', criteria: ['p95 < soon', 'ok < 1'] }, cwd);
    expect(problems).toEqual([
      expect.stringContaining('criteria: p95 < soon: "soon" is not a number'),
      expect.stringContaining('criteria: ok < 1: unknown metric "ok"'),
      expect.stringContaining('criteria: allowed forms'),
    ]);
  });
});

describe('bare numbers: seconds for durations, refused for times in gates (issue 22)', () => {
  const bare = 'criteria: p95 < 500: a time needs its unit: write 500ms or 0.5s';

  test('a gate on a time with a bare number is refused from every source, naming both units', () => {
    // Flags (the CLI, the Jenkins step), atq.yml, the Action's inputs and server payloads all resolve here.
    expect(resolveOptions({}, { image: 'i', criteria: ['p95 < 500'] }, cwd).problems[0]).toBe(bare);
    expect(resolveOptions({ image: 'i', criteria: 'p95 < 500' }, {}, cwd).problems[0]).toBe(bare);
    const long = { image: 'i', criteria: [{ metric: 'p90', op: '<', value: 800 }] };
    expect(resolveOptions(long, {}, cwd).problems[0]).toBe(
      'criteria: p90 < 800: a time needs its unit: write 800ms or 0.8s',
    );
    expect(resolveOptions({ image: 'i', criteria: ['p95 <= baseline+50'] }, {}, cwd).problems[0]).toBe(
      'criteria: p95 <= baseline+50: a time needs its unit: write 50ms or 0.05s',
    );
    const { values } = valuesFromInputs((input) => (input === 'criteria' ? 'avg < 1.5' : ''));
    expect(resolveOptions({}, { image: 'i', ...values }, cwd).problems.map(inputProblem)[0]).toBe(
      'input criteria: avg < 1.5: a time needs its unit: write 1.5ms or 0.0015s',
    );
  });

  test('where a bare number has one meaning it is taken: throughput per second, counts, durations in seconds', () => {
    const { options } = resolveOptions(
      { image: 'i', criteria: ['throughput >= 50', 'samples >= 1000', 'errors == 0'], timeout: 90 },
      { 'ready-timeout': '45' },
      cwd,
    );
    expect(options?.gates.map((g) => g.value)).toEqual([50, 1000, 0]);
    expect([options?.timeoutMs, options?.readyTimeoutMs]).toEqual([90_000, 45_000]);
  });
});

describe('durations and sizes', () => {
  test.each([
    ['1500ms', 1500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1h30m', 5_400_000],
    ['45', 45_000],
    [' 10s ', 10_000],
  ])('%s = %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  test.each(['', 'abc', '5 m', '10x', '-5s', '5s5'])('%j is not a duration', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );

  test.each([
    ['500KB', 512_000],
    ['20MB', 20 * 1024 * 1024],
    ['1024', 1024],
    ['1.5m', 1_572_864],
  ])('%s = %d bytes', (text, bytes) => expect(parseSize(text)).toBe(bytes));
});

describe('every problem, each with what to do', () => {
  const problemsOf = (file: Record<string, unknown>, flags: Record<string, unknown> = {}) =>
    resolveOptions({ image: 'i', ...file }, flags, cwd).problems;

  test.each([
    ['-1', 'workers: -1 is out of range; use 1 to 500'],
    ['0', 'workers: 0 is out of range; use 1 to 500'],
    ['501', 'workers: 501 is out of range; use 1 to 500'],
    ['2.5', 'workers: expected a whole number, got "2.5"; use 1 to 500'],
    ['abc', 'workers: expected a whole number, got "abc"; use 1 to 500'],
  ])('--workers %s', (workers, message) => expect(problemsOf({}, { workers })).toEqual([message]));

  test.each([
    [{ timeout: '0s' }, 'timeout: must be more than 0; e.g. 30m'],
    [{ 'ready-timeout': '0' }, 'ready-timeout: must be more than 0; e.g. 2m'],
    [{ 'wait-command': 'true', 'wait-timeout': '0s' }, 'wait-timeout: must be more than 0; e.g. 1m'],
    [{ timeout: '-5m' }, 'timeout: must be more than 0; e.g. 30m'],
    [{ delay: '-1s' }, 'delay: must not be negative; e.g. 0s or 10s'],
    // Past 2^31 - 1 ms a Node.js timer fires at once: such a --timeout would end the run as it starts.
    [{ timeout: '600h' }, 'timeout: "600h" is longer than atq can wait (24 days); e.g. 2h or 7d'],
    [{ 'ready-timeout': '25d' }, 'ready-timeout: "25d" is longer than atq can wait (24 days); e.g. 2h or 7d'],
    [{ delay: 2147484 }, 'delay: "2147484" is longer than atq can wait (24 days); e.g. 2h or 7d'],
  ])('a limit of %j is refused up front', (flags, message) =>
    expect(problemsOf({}, flags)).toEqual([message]),
  );

  test('a delay of 0s is no delay, and fine', () => {
    expect(resolveOptions({}, { image: 'i', delay: '0s' }, cwd).options?.delayMs).toBe(0);
  });

  test('wait details without a wait command are problems, not silently ignored', () => {
    expect(
      problemsOf({ 'wait-expected': 'ok' }, { 'wait-timeout': 'soon', 'wait-image': 'busybox' }),
    ).toEqual([
      'wait-timeout: "soon" is not a duration; use e.g. 1500ms, 30s, 5m, 2h (a bare number is seconds)',
      'wait-expected applies only with wait-command; add --wait-command or remove it',
      'wait-timeout applies only with wait-command; add --wait-command or remove it',
      'wait-image applies only with wait-command; add --wait-command or remove it',
    ]);
  });

  test("atq.yml's wait-command object: its timeout is checked like --wait-timeout, and odd values do not crash", () => {
    expect(problemsOf({ 'wait-command': { command: 'true', timeout: 0 } })).toEqual([
      'wait-command.timeout: must be more than 0; e.g. 1m',
    ]);
    expect(problemsOf({ 'wait-command': { command: 5, timeout: { a: 1 }, image: '' } })).toEqual([
      'wait-command.command: required, a shell command',
      'wait-command.timeout: {"a":1} is not a duration; use e.g. 1500ms, 30s, 5m, 2h (a bare number is seconds)',
      'wait-command.image: expected a non-empty text, got ""',
    ]);
  });

  test('prop: 7 is reported next to an unknown key and a bad workers value', () => {
    const problems = resolveOptions({ prop: 7, wokers: 3, workers: 'x' }, {}, cwd).problems;
    expect(problems).toEqual([
      expect.stringContaining('atq.yml "wokers": unknown option; known options are plan, files'),
      'prop: "7" is not KEY=VALUE (e.g. users=10)',
      'workers: expected a whole number, got "x"; use 1 to 500',
    ]);
  });

  test('every bad prop entry is reported, not only the first', () => {
    expect(problemsOf({ prop: [7, 'novalue', 'bad key=1', 'ok=1'] })).toEqual([
      'prop: "7" is not KEY=VALUE (e.g. users=10)',
      'prop: "novalue" is not KEY=VALUE (e.g. users=10)',
      'prop: property names may use letters, digits, _ . - only: "bad key"',
    ]);
    expect(problemsOf({ prop: { users: { max: 1 } } })).toEqual([
      'prop: "users" has {"max":1} as its value; use a text or a number',
    ]);
  });

  test('an atq.yml value a flag overrides is still checked: the file is wrong for the next run', () => {
    const { problems } = resolveOptions({ image: 'i', prop: 7 }, { prop: ['a=b'] }, cwd);
    expect(problems).toEqual([
      'atq.yml (overridden by --prop in this run) prop: "7" is not KEY=VALUE (e.g. users=10)',
    ]);
  });

  test('an invalid image is reported once, not also as missing', () => {
    expect(problemsOf({ image: '' })).toEqual(['image: expected a non-empty text, got ""']);
  });

  test('a baseline gate needs --baseline, before anything runs', () => {
    expect(problemsOf({}, { criteria: ['p95 < 1s', 'p95 <= baseline+10%'] })).toEqual([
      'criteria: "p95 <= baseline+10%" compares with a baseline; pass --baseline <summary.json of an earlier run>, or --baseline-missing skip, or drop the gate',
    ]);
    expect(problemsOf({}, { criteria: ['p95 <= baseline+10%'], baseline: 'prev/summary.json' })).toEqual([]);
    // An invalid gate does not hide the baseline problem of a valid one.
    expect(problemsOf({ criteria: ['p95 < soon', 'p99 <= baseline'] })).toEqual([
      'criteria: p95 < soon: "soon" is not a number with an optional unit',
      expect.stringContaining('criteria: allowed forms:'),
      expect.stringContaining('criteria: "p99 <= baseline" compares with a baseline'),
    ]);
  });

  test('all at once: one problem per bad field, whatever else is wrong', () => {
    const file = {
      workers: 0,
      timeout: '0s',
      prop: 7,
      'rmi-ssl': 'maybe',
      keep: 'yes',
      'max-bundle-size': 'huge',
      criteria: ['p95 <= baseline'],
      'wait-timeout': 'x',
      plan: ['/abs.jmx'],
      colour: 'red',
    };
    const problems = resolveOptions(file, { 'ready-timeout': '0' }, cwd).problems;
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'atq.yml "colour"',
      'workers',
      'timeout',
      'prop',
      'rmi-ssl',
      'keep',
      'max-bundle-size',
      'wait-timeout',
      'ready-timeout',
      'wait-timeout applies only with wait-command; add --wait-command or remove it',
      'criteria',
      'plan',
    ]);
  });
});

test("without an image, ATQ's own JMeter image (images/jmeter) is the default", () => {
  const { options } = resolveOptions({}, {}, '/w');
  expect(options).toMatchObject({
    workerImage: 'ghcr.io/atq/run-load-test/jmeter:5.6.3',
    masterImage: 'ghcr.io/atq/run-load-test/jmeter:5.6.3',
  });
  expect(resolveOptions({}, { 'worker-image': 'w:1' }, '/w').options).toMatchObject({
    workerImage: 'w:1',
    masterImage: 'ghcr.io/atq/run-load-test/jmeter:5.6.3',
  });
});
