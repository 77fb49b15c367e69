import path from 'node:path';
import { resolveOptions, parseSize } from '../../src/config/resolve.js';
import { parseDuration } from '../../src/util/duration.js';

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
    [{ plan: ['../outside.jmx'] }, 'plan: "../outside.jmx" must be a glob relative to test-dir'],
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
        expect.stringContaining('image: no JMeter image given'),
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
