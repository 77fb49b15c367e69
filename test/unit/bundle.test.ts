import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { checkPlan } from '../../src/bundle/plan-check.js';
import { CONFIG_CHUNK_BYTES, packBundle } from '../../src/bundle/pack.js';
import { selectFiles } from '../../src/bundle/select.js';
import { AtqError } from '../../src/errors.js';

const PLAN = (csv = '') =>
  `<?xml version="1.0"?><jmeterTestPlan><hashTree>${
    csv ? `<CSVDataSet><stringProp name="filename">${csv}</stringProp></CSVDataSet>` : ''
  }</hashTree></jmeterTestPlan>`;

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-unit-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

describe('selectFiles', () => {
  test('finds plans and data files by glob, skipping node_modules, .git and results', async () => {
    const dir = tree({
      'a.jmx': PLAN(),
      'sub/b.jmx': PLAN(),
      'data/users.csv': 'x',
      'notes.md': 'not shipped',
      'node_modules/x/y.jmx': PLAN(),
      'atq-results/r/results.jtl': '',
    });
    const s = await selectFiles(dir, ['**/*.jmx'], ['**/*.csv']);
    expect(s.plans.map((p) => p.rel)).toEqual(['a.jmx', 'sub/b.jmx']);
    expect(s.files.map((f) => f.rel)).toEqual(['a.jmx', 'data/users.csv', 'sub/b.jmx']);
  });

  test('refuses a symlink that points outside the test directory', async () => {
    const outside = tree({ 'secret.csv': 'password' });
    const dir = tree({ 'a.jmx': PLAN() });
    symlinkSync(path.join(outside, 'secret.csv'), path.join(dir, 'leak.csv'));
    await expect(selectFiles(dir, ['*.jmx'], ['*.csv'])).rejects.toThrow(
      /leak\.csv resolves to .*secret\.csv, outside the test directory/,
    );
  });

  test('no plan or no folder: BUNDLE_INVALID with what to fix', async () => {
    const dir = tree({ 'x.csv': '' });
    await expect(selectFiles(dir, ['*.jmx'], [])).rejects.toMatchObject({
      code: 'BUNDLE_INVALID',
      message: expect.stringContaining('check --plan and --test-dir'),
    });
    await expect(selectFiles(path.join(dir, 'nope'), ['*.jmx'], [])).rejects.toThrow(/does not exist/);
  });
});

describe('checkPlan', () => {
  const bundled = new Set(['plans/p.jmx', 'plans/data/u.csv', 'shared.csv']);
  test.each([
    ['data/u.csv', []],
    ['../shared.csv', []],
    ['${__P(csv)}', []],
    [
      'data/missing.csv',
      [
        'CSV Data Set file "data/missing.csv" (plans/data/missing.csv in the test directory) is not in the bundle',
      ],
    ],
    ['../../etc/passwd', ['is outside the test directory']],
  ])('CSV %s relative to plans/p.jmx', (csv, expected) => {
    const { problems } = checkPlan('plans/p.jmx', PLAN(csv), bundled);
    expect(problems).toHaveLength(expected.length);
    expected.forEach((e, i) => expect(problems[i]).toContain(e));
  });

  test('absolute CSV paths are a warning, not an error (they may exist in the image)', () => {
    const facts = checkPlan('p.jmx', PLAN('/data/u.csv'), bundled);
    expect(facts.problems).toEqual([]);
    expect(facts.warnings[0]).toContain('absolute path /data/u.csv');
  });

  test('malformed XML is reported with line and column; other XML is not a plan', () => {
    expect(checkPlan('p.jmx', '<jmeterTestPlan><hashTree>', bundled).problems[0]).toMatch(
      /^p\.jmx is not well-formed XML: .*\d+:\d+/,
    );
    expect(checkPlan('p.jmx', '<project/>', bundled).problems[0]).toContain(
      'root element is <project>, expected <jmeterTestPlan>',
    );
  });
});

describe('packBundle', () => {
  test('the archive holds the files at their relative paths and splits below the config size limit', async () => {
    // Random hex compresses to about half: about 1.2 MB of archive, three configs.
    const big = randomBytes(1_200_000).toString('hex');
    const dir = tree({ 'p.jmx': PLAN('data/big.csv'), 'data/big.csv': big });
    const bundle = await packBundle(await selectFiles(dir, ['*.jmx'], ['**/*.csv']), 10 * 1024 * 1024);
    expect(bundle.chunks.length).toBeGreaterThan(1);
    expect(bundle.chunks.every((c) => c.length <= CONFIG_CHUNK_BYTES)).toBe(true);
    expect(Buffer.concat(bundle.chunks).equals(bundle.archive)).toBe(true);
    const listing = execFileSync('tar', ['-tzf', '-'], { input: bundle.archive })
      .toString()
      .trim()
      .split('\n');
    expect(listing.sort()).toEqual(['data/big.csv', 'p.jmx']);
  });

  test('a bundle over the cap is refused naming the largest files', async () => {
    const dir = tree({ 'p.jmx': PLAN(), 'huge.csv': 'x'.repeat(300_000) });
    const err = await packBundle(await selectFiles(dir, ['*.jmx'], ['*.csv']), 1000).catch(
      (e: AtqError) => e,
    );
    expect(err).toMatchObject({ code: 'BUNDLE_TOO_LARGE' });
    expect((err as AtqError).message).toContain('huge.csv (0.29 MB)');
    expect((err as AtqError).message).toContain('--max-bundle-size');
  });

  test('a plan problem stops packing with every problem listed', async () => {
    const dir = tree({ 'a.jmx': PLAN('a.csv'), 'b.jmx': '<oops' });
    await expect(packBundle(await selectFiles(dir, ['*.jmx'], []), 1e6)).rejects.toThrow(
      /a\.jmx: CSV Data Set file "a\.csv"[\s\S]*b\.jmx is not well-formed XML/,
    );
  });
});
