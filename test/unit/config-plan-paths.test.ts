import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { selectFiles } from '../../src/bundle/select.js';
import { resolveOptions } from '../../src/config/resolve.js';

const cwd = '/work/repo';
const resolve = (flags: Record<string, unknown>, file: Record<string, unknown> = {}, fileDir = cwd) =>
  resolveOptions(file, { image: 'i', ...flags }, cwd, fileDir);

describe('plan and files paths: relative to the test dir, the cwd, or absolute inside the test dir', () => {
  test.each([
    ['relative to the test dir (as before)', 'checkout.jmx', 'checkout.jmx'],
    ['relative to the cwd', 'perf/checkout.jmx', 'checkout.jmx'],
    ['relative to the cwd, with ./', './perf/checkout.jmx', 'checkout.jmx'],
    ['absolute, inside the test dir', '/work/repo/perf/checkout.jmx', 'checkout.jmx'],
    ['a glob relative to the cwd', 'perf/**/*.jmx', '**/*.jmx'],
    ['an absolute glob', '/work/repo/perf/plans/*.jmx', 'plans/*.jmx'],
    ['a glob relative to the test dir', '**/*.jmx', '**/*.jmx'],
    ['".." that leads back into the test dir', '../repo/perf/a.jmx', 'a.jmx'],
    ['a negative glob relative to the cwd', '!perf/drafts/**', '!drafts/**'],
  ])('--plan %s: %s -> %s', (_, given, expected) => {
    const { options, problems } = resolve({ 'test-dir': 'perf', plan: [given], files: [given] });
    expect(problems).toEqual([]);
    expect(options?.plans).toEqual([expected]);
    expect(options?.files).toEqual([expected]);
  });

  test('atq.yml globs are relative to its folder, like its other paths', () => {
    const file = { 'test-dir': 'perf', plan: ['perf/a.jmx'], files: ['perf/data/*.csv'] };
    const { options } = resolve({}, file, '/work/repo/ci');
    expect(options).toMatchObject({ testDir: '/work/repo/ci/perf', plans: ['a.jmx'], files: ['data/*.csv'] });
  });

  test('run from inside the test dir: a path with ".." is taken from the cwd', () => {
    const { options } = resolveOptions(
      {},
      { image: 'i', 'test-dir': '..', plan: ['../a.jmx'] },
      '/w/perf/sub',
    );
    expect(options).toMatchObject({ testDir: '/w/perf', plans: ['a.jmx'] });
  });

  test('a path outside the test dir is refused, saying so and what to do', () => {
    const { options, problems } = resolve({
      'test-dir': 'perf',
      plan: ['/elsewhere/a.jmx', 'other/../b.jmx'],
      files: ['../data.csv'],
    });
    expect(options).toBeUndefined();
    const outside = (name: string, glob: string) =>
      `${name}: "${glob}" is outside the test directory (/work/repo/perf); only files under it are sent to ` +
      'JMeter: move the file into it, or point test-dir at a folder that holds it and the plans';
    expect(problems).toEqual([
      outside('plan', '/elsewhere/a.jmx'),
      outside('plan', 'other/../b.jmx'),
      outside('files', '../data.csv'),
    ]);
  });

  test('the test dir itself is not a plan', () => {
    expect(resolve({ 'test-dir': 'perf', plan: ['perf'] }).problems).toEqual([
      'plan: "perf" is the test directory itself; give files in it, e.g. "perf/**/*.jmx"',
    ]);
  });
});

describe('plan paths with real files', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'atq-plan-paths-'));
  for (const rel of ['perf/checkout.jmx', 'perf/smoke/login.jmx', 'perf/data/users.csv']) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), '<jmeterTestPlan/>');
  }
  const select = async (plan: string, files: string) => {
    const { options, problems } = resolveOptions({}, { image: 'i', 'test-dir': 'perf', plan, files }, root);
    expect(problems).toEqual([]);
    const s = await selectFiles(options!.testDir, options!.plans, options!.files);
    return { plans: s.plans.map((p) => p.rel), files: s.files.map((f) => f.rel) };
  };

  test('`--plan perf/checkout.jmx --test-dir perf` finds the plan (the issue)', async () => {
    expect(await select('perf/checkout.jmx', 'perf/data/*.csv')).toEqual({
      plans: ['checkout.jmx'],
      files: ['checkout.jmx', 'data/users.csv'],
    });
  });

  test('the same plan by absolute path, relative to the test dir, or by a glob from the cwd', async () => {
    expect((await select(path.join(root, 'perf/checkout.jmx'), 'x')).plans).toEqual(['checkout.jmx']);
    expect((await select('checkout.jmx', 'x')).plans).toEqual(['checkout.jmx']);
    expect((await select('perf/**/*.jmx', 'x')).plans).toEqual(['checkout.jmx', 'smoke/login.jmx']);
  });
});
