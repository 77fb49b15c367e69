import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import fg from 'fast-glob';
import type { RunOptions } from '../config/options.js';
import { AtqError } from '../errors.js';
import { fileAccessError, isFsError } from '../util/file-error.js';
import type { Logger } from '../util/log.js';
import { listed, ResultsFilter } from './earlier-results.js';

export interface BundleFile {
  /** Path inside the test dir, with forward slashes: also its path inside the containers. */
  rel: string;
  abs: string;
  size: number;
}

export interface Selection {
  testDir: string;
  plans: BundleFile[];
  /** Every file shipped, plans included, sorted by path. */
  files: BundleFile[];
  /** CSV files each worker gets a slice of (--split-csv); also in files. */
  split: BundleFile[];
  /** Jars for JMeter's classpath (plugins/, lib/ext/, lib/ and --jar); also in files. */
  jars: BundleFile[];
  /** Folders in the test dir left out as earlier ATQ results (see earlier-results.ts), with slashes. */
  earlierResults: string[];
}

/** What else to select besides plans and data files. */
export interface SelectExtras {
  /** The run's output folder (--out): never shipped when it lies in the test dir, whatever its name. */
  outDir?: string;
  /** --split-csv globs: these files must exist. */
  split?: string[];
  /** --jar globs, added to the conventional plugin folders. */
  jars?: string[];
}

/** Where plugin jars go by convention (AWS Distributed Load Testing's plugins/, and JMeter's own layout). */
export const JAR_FOLDERS = ['plugins', 'lib/ext', 'lib'];

const ALWAYS_IGNORED = ['**/node_modules/**', '**/.git/**', '**/atq-results/**'];

/**
 * Finds the plans and data files under testDir. Anything that resolves outside testDir (a symlink
 * pointing out) is refused: shipping it would leak files the user did not mean to send.
 */
export async function selectFiles(
  testDir: string,
  planGlobs: string[],
  fileGlobs: string[],
  extras: SelectExtras = {},
): Promise<Selection> {
  try {
    return await select(testDir, planGlobs, fileGlobs, extras);
  } catch (e) {
    if (!isFsError(e)) throw e;
    throw fileAccessError(
      e,
      `read the test files under --test-dir ${testDir}`,
      'Point --test-dir at the folder that holds your plans and their data (every file in it must be readable).',
    );
  }
}

async function select(
  testDir: string,
  planGlobs: string[],
  fileGlobs: string[],
  extras: SelectExtras,
): Promise<Selection> {
  const splitGlobs = extras.split ?? [];
  const dirStat = await stat(testDir).catch(() => undefined);
  if (!dirStat?.isDirectory()) {
    throw new AtqError(
      'BUNDLE_INVALID',
      `Test directory ${testDir} does not exist or is not a folder; set --test-dir.`,
    );
  }
  const root = await realpath(testDir);
  const options = { cwd: testDir, onlyFiles: true, dot: false, ignore: ALWAYS_IGNORED, unique: true };
  const filter = new ResultsFilter(testDir, extras.outDir);
  const match = async (globs: string[]) => (globs.length ? filter.keep(await fg(globs, options)) : []);
  const planPaths = (await match(planGlobs)).sort();
  if (planPaths.length === 0) {
    throw new AtqError(
      'BUNDLE_INVALID',
      `No plan matches ${planGlobs.map((g) => JSON.stringify(g)).join(', ')} under ${testDir}${filter.note()}; ` +
        'check --plan and --test-dir (a plan is a glob relative to the test directory, or a path into it).',
      { testDir, planGlobs },
    );
  }
  const dataPaths = await match(fileGlobs);
  const splitPaths = await match(splitGlobs);
  if (splitGlobs.length && !splitPaths.length) {
    throw new AtqError(
      'BUNDLE_INVALID',
      `--split-csv ${splitGlobs.map((g) => JSON.stringify(g)).join(', ')} matches no file under ${testDir}${filter.note()}.`,
      { testDir, splitGlobs },
    );
  }
  const jarPaths = await match([...JAR_FOLDERS.map((d) => `${d}/*.jar`), ...(extras.jars ?? [])]);
  // A file to split ships whole as well (the master reads nothing, but a plan may name it elsewhere).
  const all = [...new Set([...planPaths, ...dataPaths, ...splitPaths, ...jarPaths])].sort();

  const problems: string[] = [];
  const files: BundleFile[] = [];
  for (const rel of all) {
    const abs = path.join(testDir, rel);
    const real = await realpath(abs);
    if (real !== root && !real.startsWith(root + path.sep)) {
      problems.push(`${rel} resolves to ${real}, outside the test directory; copy the file into ${testDir}`);
      continue;
    }
    files.push({ rel: rel.split(path.sep).join('/'), abs, size: (await stat(real)).size });
  }
  if (problems.length) {
    throw new AtqError(
      'BUNDLE_INVALID',
      `Refusing to ship files from outside the test directory:\n  - ${problems.join('\n  - ')}`,
      {
        problems,
      },
    );
  }
  const slash = (ps: string[]) => new Set(ps.map((p) => p.split(path.sep).join('/')));
  const planSet = slash(planPaths);
  const splitSet = slash(splitPaths);
  const jarSet = slash(jarPaths);
  return {
    testDir,
    plans: files.filter((f) => planSet.has(f.rel)),
    files,
    split: files.filter((f) => splitSet.has(f.rel)),
    jars: files.filter((f) => jarSet.has(f.rel)),
    earlierResults: [...filter.earlier],
  };
}

/**
 * The files a run ships, selected the same way for `atq run` and `atq run --server`: its plans, data,
 * --split-csv files and jars, never the output folder or earlier results (said in the log when some were).
 */
export async function selectRunFiles(
  options: Pick<RunOptions, 'testDir' | 'plans' | 'files' | 'outDir' | 'splitCsv' | 'jars'>,
  logger: Logger,
): Promise<Selection> {
  const selection = await selectFiles(options.testDir, options.plans, options.files, {
    outDir: options.outDir,
    split: options.splitCsv,
    jars: options.jars,
  });
  const earlier = selection.earlierResults;
  if (earlier.length) {
    logger.info(
      `bundle: left out ${earlier.length} folder(s) of earlier ATQ results in the test dir: ${listed(earlier)}`,
    );
  }
  return selection;
}
