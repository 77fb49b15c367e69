import { FIELDS } from '../../src/config/fields.js';
import type { RunOptions } from '../../src/config/options.js';
import { resolveOptions } from '../../src/config/resolve.js';
import { CLIENT_ONLY, taskOptionValues, taskPayload } from '../../src/remote/payload.js';
import { durationText } from '../../src/util/duration.js';
import { resolveTaskOptions } from '../../src/server/atq-task.js';

const cwd = '/work/repo';

function options(flags: Record<string, unknown>, file: Record<string, unknown> = {}): RunOptions {
  const { options: o, problems } = resolveOptions(file, flags, cwd);
  expect(problems).toEqual([]);
  return o as RunOptions;
}

/** Every option set to something other than its default (that the server accepts in a task). */
const EVERYTHING = {
  plan: ['perf/*.jmx'],
  files: ['data/**/*.csv'],
  heap: '512m',
  'worker-cpus': '1.5',
  'worker-memory': '1.5GB',
  mode: 'engines',
  'split-csv': ['data/users.csv'],
  jar: ['extra/*.jar'],
  workers: '7',
  'worker-image': 'w:1',
  'master-image': 'm:1',
  prop: ['users=50', 'target.host=shop', 'empty='],
  'jmeter-arg': ['-Lorg.apache.jmeter=DEBUG'],
  timeout: '1h30m',
  'ready-timeout': '90s',
  delay: '1500ms',
  'wait-command': 'curl -sf http://shop/health',
  'wait-expected': 'ok',
  'wait-timeout': '2m',
  'wait-image': 'curl:8',
  criteria: ['p95 < 500ms', '"GET /login": p99 <= 1.2s', 'error_rate < 1%', 'throughput >= 50/s'],
  'baseline-missing': 'skip',
  'attach-network': ['sut'],
  'network-encryption': true,
  'rmi-ssl': 'off',
  'max-bundle-size': '30MB',
};

describe('the task payload', () => {
  test('every option is either sent or stays with the client (a new option must choose)', () => {
    const sent = Object.keys(taskOptionValues(options({})));
    // image is sent as what it means: worker-image and master-image.
    const all = [...sent, 'image', ...CLIENT_ONLY].sort();
    expect(all).toEqual(FIELDS.map((f) => f.name).sort());
  });

  test('only the options that differ from the defaults, by their atq.yml names', () => {
    const payload = taskPayload(options({ workers: '2', 'test-dir': 'perf', prop: ['users=5'] }), {
      fileId: 'f1',
      name: 'a.jmx',
    });
    expect(payload).toEqual({ fileId: 'f1', name: 'a.jmx', prop: { users: '5' } });
  });

  test('the server reads the payload back into the same options (and refuses none of it)', () => {
    const mine = options({
      ...EVERYTHING,
      'test-dir': 'perf',
      out: 'res',
      keep: true,
      server: 'http://s:1',
      token: 't',
    });
    const { fileId: _f, ...values } = taskPayload(mine, { fileId: 'f1' });
    expect(Object.keys(values)).toEqual(Object.keys(EVERYTHING));
    for (const key of CLIENT_ONLY) expect(values).not.toHaveProperty(key);
    const { options: theirs, problems } = resolveTaskOptions(values, mine.testDir, '/srv/results', {}, [
      'sut',
    ]);
    expect(problems).toEqual([]);
    const comparable = (o: RunOptions) => {
      const { testDir: _t, outDir: _o, docker: _d, keep: _k, server: _s, ...rest } = o;
      return rest;
    };
    expect(comparable(theirs as RunOptions)).toEqual(comparable(mine));
  });

  test('the same images whether given as --image or per role', () => {
    const payload = taskPayload(options({ image: 'jm:5' }), { fileId: 'f1' });
    expect(payload).toMatchObject({ 'worker-image': 'jm:5', 'master-image': 'jm:5' });
    expect(payload).not.toHaveProperty('image');
  });

  test('atq.yml values are sent too, paths already relative to the test dir', () => {
    const o = options(
      {},
      { 'test-dir': 'perf', plan: 'perf/checkout.jmx', 'wait-command': { command: 'true', timeout: '5s' } },
    );
    expect(taskPayload(o, { fileId: 'f1' })).toEqual({
      fileId: 'f1',
      plan: ['checkout.jmx'],
      'wait-command': 'true',
      'wait-timeout': '5s',
    });
  });

  test('durations as atq.yml writes them, exactly', () => {
    expect([1_800_000, 5_400_000, 90_000, 1500, 0, 3_600_000].map(durationText)).toEqual([
      '30m',
      '90m',
      '90s',
      '1500ms',
      '0ms',
      '1h',
    ]);
  });
});

describe('baseline: auto and the source, as a task carries them (issue 21)', () => {
  test('--baseline auto is no path: the server is asked for its history, baseline-missing always said', () => {
    const auto = options({ baseline: 'auto', criteria: ['p95 <= baseline+10%'] });
    expect(auto).toMatchObject({ baselineAuto: {}, baselineFile: undefined, baselineMissing: 'skip' });
    expect(taskPayload(auto, { fileId: 'f1' })).toMatchObject({
      baseline: 'auto',
      'baseline-missing': 'skip',
    });
    const main = options({ baseline: 'auto:main', 'baseline-missing': 'fail' });
    expect(main.baselineAuto).toEqual({ ref: 'main' });
    expect(taskPayload(main, { fileId: 'f1' })).toMatchObject({
      baseline: 'auto:main',
      'baseline-missing': 'fail',
    });
    const { problems } = resolveOptions({}, { baseline: 'auto:' }, cwd);
    expect(problems).toEqual([expect.stringMatching(/^baseline: "auto:" does not name a branch or ref/)]);
  });

  test('the server reads auto back as auto, and a local path still as a path', () => {
    const payload = taskPayload(options({ baseline: 'auto:release/1.2' }), { fileId: 'f1', name: 'a.jmx' });
    const { fileId: _f, name: _n, ...values } = payload;
    const { options: theirs, problems } = resolveTaskOptions(values, '/srv/up', '/srv/results', {});
    expect(problems).toEqual([]);
    expect(theirs).toMatchObject({ baselineAuto: { ref: 'release/1.2' }, baselineMissing: 'skip' });
    expect(theirs?.baselineFile).toBeUndefined();
  });

  test('the source goes along as the client knows it; what a server would refuse is left out', () => {
    const o = options({});
    const sent = (source: Record<string, string>) => taskPayload(o, { fileId: 'f1', source }).source;
    const commit = 'c0ffee'.repeat(6) + 'c0ff';
    expect(sent({ commit, ref: 'main', ciUrl: 'https://ci.example/job/1/' })).toEqual({
      commit,
      ref: 'main',
      ciUrl: 'https://ci.example/job/1/',
    });
    expect(sent({ commit: 'HEAD~1', ref: 'feature/a b', ciUrl: 'https://u:p@ci.example/' })).toBeUndefined();
    expect(sent({ commit, ciUrl: 'x'.repeat(10) })).toEqual({ commit });
  });
});
