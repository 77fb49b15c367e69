import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isRunJson, isSummaryJson } from '../../src/bundle/earlier-results.js';
import { packBundle } from '../../src/bundle/pack.js';
import { selectFiles, selectRunFiles } from '../../src/bundle/select.js';
import type { RunOptions } from '../../src/config/options.js';
import { resolveOptions } from '../../src/config/resolve.js';
import { newReport } from '../../src/core/run.js';
import { packTestDir } from '../../src/remote/bundle.js';
import { analyseJtl } from '../../src/results/summary.js';
import { writeReports } from '../../src/results/write.js';
import { silentLogger, type Logger } from '../../src/util/log.js';

/**
 * Issue 22: earlier runs' results (summary.json, run.json, junit.xml match the default data globs) must
 * never ship with the next bundle, whatever their folder is called; a user's own files of those names must.
 */
const PLAN = '<?xml version="1.0"?><jmeterTestPlan><hashTree/></jmeterTestPlan>';
const DATA = ['**/*.csv', '**/*.tsv', '**/*.txt', '**/*.json', '**/*.xml', '**/*.properties', '**/*.dat'];

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-earlier-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

function options(testDir: string, out: string): RunOptions {
  const { options: o, problems } = resolveOptions({}, { 'test-dir': testDir, out }, testDir);
  expect(problems).toEqual([]);
  return o as RunOptions;
}

/**
 * A run's results as ATQ writes them: run.json (the report, as finish.ts writes it) at the run's folder,
 * and the reports of each plan (the real writer) at it or, with several plans, in a folder per plan.
 */
async function writeRun(testDir: string, outDir: string, runId: string, plans = ['']): Promise<void> {
  const report = newReport(runId, options(testDir, outDir));
  mkdirSync(report.outDir, { recursive: true });
  writeFileSync(path.join(report.outDir, 'run.json'), JSON.stringify(report, null, 2) + '\n');
  const jtl = path.join(report.outDir, 'results.jtl');
  writeFileSync(jtl, 'timeStamp,elapsed,label,responseCode,success\n1700000000000,12,GET /,200,true\n');
  const summary = await analyseJtl(jtl, { gates: [], run: report as unknown as Record<string, unknown> });
  for (const plan of plans) await writeReports(path.join(report.outDir, plan), summary);
}

const rels = async (dir: string, outDir?: string) =>
  (await selectFiles(dir, ['**/*.jmx'], DATA, { outDir })).files.map((f) => f.rel);

const tarList = (archive: Buffer) =>
  execFileSync('tar', ['-tzf', '-'], { input: archive }).toString().trim().split('\n').sort();

describe('earlier results are recognised by what ATQ wrote, not by name', () => {
  test("ATQ's run.json and summary.json are recognised; other files of those names are not", async () => {
    const dir = tree({
      'a.jmx': PLAN,
      'own/summary.json': '{"total": 3, "schemaVersion": 1}',
      'own/run.json': '{"runId": 7, "status": "ok"}',
      'broken/run.json': '{"runId": "x", ',
    });
    await writeRun(dir, path.join(dir, 'old'), 'r1');
    expect(await isRunJson(path.join(dir, 'old/r1/run.json'))).toBe(true);
    expect(await isSummaryJson(path.join(dir, 'old/r1/summary.json'))).toBe(true);
    for (const f of ['own/summary.json', 'own/run.json', 'broken/run.json', 'missing/run.json'])
      expect((await isRunJson(path.join(dir, f))) || (await isSummaryJson(path.join(dir, f)))).toBe(false);
  });

  test('a user data file named summary.json or run.json still ships; earlier results under any name do not', async () => {
    const dir = tree({
      'a.jmx': PLAN,
      'data/users.csv': 'u1\n',
      'data/summary.json': '{"orders": 12}',
      'data/run.json': '{"runId": "fixture"}',
    });
    await writeRun(dir, path.join(dir, 'perf-results'), '20260101-aaaa');
    await writeRun(dir, path.join(dir, 'archive/2025'), '20250101-bbbb', ['a', 'b_c']);
    // `atq report` writes reports next to a JTL, with no run.json.
    const jtl = path.join(dir, 'kept-jtl/results.jtl');
    mkdirSync(path.dirname(jtl));
    writeFileSync(jtl, 'timeStamp,elapsed,label,responseCode,success\n1700000000000,5,x,200,true\n');
    await writeReports(path.dirname(jtl), await analyseJtl(jtl, { gates: [] }));

    const s = await selectFiles(dir, ['**/*.jmx'], DATA);
    expect(s.files.map((f) => f.rel)).toEqual([
      'a.jmx',
      'data/run.json',
      'data/summary.json',
      'data/users.csv',
    ]);
    expect(s.earlierResults.sort()).toEqual([
      'archive/2025/20250101-bbbb',
      'kept-jtl',
      'perf-results/20260101-aaaa',
    ]);
  });

  test('the output folder never ships, whatever its name, even what holds no run.json yet', async () => {
    // A run killed before it wrote run.json leaves files behind that nothing else marks as results.
    const dir = tree({ 'a.jmx': PLAN, 'my out/r9/collected/orders.csv': 'x', 'data/u.csv': 'u' });
    expect(await rels(dir)).toContain('my out/r9/collected/orders.csv');
    expect(await rels(dir, path.join(dir, 'my out'))).toEqual(['a.jmx', 'data/u.csv']);
    // Outside the test dir, or the test dir itself: nothing of the test dir is left out by it.
    expect(await rels(dir, path.join(dir, '..', 'elsewhere'))).toContain('my out/r9/collected/orders.csv');
    expect(await rels(dir, dir)).toContain('my out/r9/collected/orders.csv');
  });

  test('the test dir itself is never taken for earlier results', async () => {
    const dir = tree({ 'a.jmx': PLAN, 'u.csv': 'u' });
    await writeRun(dir, path.dirname(dir), path.basename(dir));
    expect(await rels(dir)).toEqual(expect.arrayContaining(['a.jmx', 'u.csv', 'run.json', 'summary.json']));
  });

  test('a plan found only inside earlier results: the error says they are never shipped', async () => {
    const dir = tree({ 'old/copy.jmx': PLAN });
    await writeRun(dir, dir, 'old');
    await expect(selectFiles(dir, ['**/*.jmx'], DATA, { outDir: path.join(dir, 'out') })).rejects.toThrow(
      'No plan matches "**/*.jmx" under ' + dir + ' (files in earlier ATQ results (old) are never shipped)',
    );
  });

  test('the log says which folders were left out as earlier results', async () => {
    const dir = tree({ 'a.jmx': PLAN });
    for (const id of ['r1', 'r2']) await writeRun(dir, path.join(dir, 'prev'), id);
    const lines: string[] = [];
    const logger: Logger = { ...silentLogger, info: (m) => lines.push(m) };
    await selectRunFiles(options(dir, path.join(dir, 'out')), logger);
    expect(lines).toEqual([
      'bundle: left out 2 folder(s) of earlier ATQ results in the test dir: prev/r1, prev/r2',
    ]);
  });
});

describe('the exact scenario: repeated runs with --out inside --test-dir under another name', () => {
  test('the local bundle (the real packaging) does not grow from run to run', async () => {
    const dir = tree({ 'a.jmx': PLAN, 'data/users.csv': 'u1\n' });
    const o = options(dir, path.join(dir, 'perf-out'));
    const listings: string[][] = [];
    for (const runId of ['r1', 'r2', 'r3']) {
      const bundle = await packBundle(await selectRunFiles(o, silentLogger), o.maxBundleBytes, o.workers);
      listings.push(tarList(bundle.archive));
      await writeRun(dir, o.outDir, runId);
    }
    expect(listings).toEqual([0, 1, 2].map(() => ['a.jmx', 'data/users.csv']));
  });

  test('atq run --server uploads neither the output folder nor earlier results (the real payload builder)', async () => {
    const dir = tree({ 'a.jmx': PLAN, 'data/users.csv': 'u1\n' });
    await writeRun(dir, path.join(dir, 'perf-out'), 'r1');
    await writeRun(dir, path.join(dir, 'older-results'), 'r0', ['a', 'b']);
    const upload = await packTestDir(options(dir, path.join(dir, 'perf-out')), silentLogger);
    expect(upload.fileCount).toBe(2);
    expect(tarList(upload.archive)).toEqual(['a.jmx', 'data/users.csv']);
  });
});
