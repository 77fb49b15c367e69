import { lstat, open } from 'node:fs/promises';
import path from 'node:path';

/**
 * Earlier runs' results must never ship with the next bundle: their summary.json, run.json and junit.xml
 * match the default data globs, so every run would carry all the runs before it (issue 22). A folder is
 * recognised by what ATQ wrote into it, whatever its name:
 *  - a run.json of a run's shape (a JMeter run's or a generic task's: runId, status, startedAt, stages);
 *  - a summary.json that starts as ATQ writes one (`{"schemaVersion": N, "run": ...`), e.g. `atq report`'s.
 * Reads are bounded: a run.json is a few KB, and of a summary.json (MBs of distributions) only its start.
 * A user's own summary.json or run.json of another shape is data like any other and still ships.
 */
export const MAX_RUN_JSON = 1024 * 1024;
const SUMMARY_HEAD = 256;
const SUMMARY_START = /^\s*\{\s*"schemaVersion"\s*:\s*\d+\s*,\s*"run"\s*:\s*(?:null|\{)/;

/** The folders below `root` that hold ATQ results, looked at once each, for paths relative to `root`. */
export class EarlierResults {
  private readonly seen = new Map<string, Promise<boolean>>();

  constructor(private readonly root: string) {}

  /**
   * The topmost folder of `rel` (a path with forward slashes) that holds ATQ results, or undefined. The
   * test dir itself is never one: it is what the user asked to ship.
   */
  async folderOf(rel: string): Promise<string | undefined> {
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (await this.holdsResults(dir)) return dir;
    }
    return undefined;
  }

  private holdsResults(dir: string): Promise<boolean> {
    let known = this.seen.get(dir);
    if (!known) {
      const abs = path.join(this.root, dir);
      known = isRunJson(path.join(abs, 'run.json')).then(
        (yes) => yes || isSummaryJson(path.join(abs, 'summary.json')),
      );
      this.seen.set(dir, known);
    }
    return known;
  }
}

/** ATQ's run.json: a small regular file holding a run's report (either kind of run). */
export async function isRunJson(file: string): Promise<boolean> {
  const text = await head(file, MAX_RUN_JSON, true);
  if (text === undefined) return false;
  try {
    const doc = JSON.parse(text) as Record<string, unknown> | null;
    return (
      typeof doc === 'object' &&
      doc !== null &&
      typeof doc.runId === 'string' &&
      typeof doc.status === 'string' &&
      typeof doc.startedAt === 'string' &&
      typeof doc.stages === 'object' &&
      doc.stages !== null
    );
  } catch {
    return false;
  }
}

/** ATQ's summary.json, known by its first bytes (JSON.stringify keeps the order src/results/summary.ts builds). */
export async function isSummaryJson(file: string): Promise<boolean> {
  const text = await head(file, SUMMARY_HEAD, false);
  return text !== undefined && SUMMARY_START.test(text);
}

/**
 * The first `max` bytes of a regular file (never through a link), or undefined when there is none; with
 * `whole`, undefined too when the file is larger than `max`.
 */
async function head(file: string, max: number, whole: boolean): Promise<string | undefined> {
  const st = await lstat(file).catch(() => undefined);
  if (!st?.isFile() || (whole && st.size > max)) return undefined;
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    const buf = Buffer.alloc(Math.min(max, st.size));
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** Drops the paths (relative to the test dir, with slashes) under the run's output folder or earlier results. */
export class ResultsFilter {
  /** Folders left out as earlier results, in the order found. */
  readonly earlier = new Set<string>();
  /** Whether anything matched under the output folder. */
  private inOut = false;
  private readonly folders: EarlierResults;
  private readonly out?: string;

  constructor(testDir: string, outDir?: string) {
    this.folders = new EarlierResults(testDir);
    const rel = outDir === undefined ? '' : path.relative(testDir, outDir);
    // Outside the test dir (or the test dir itself, whose run folders each hold a run.json): nothing to do.
    if (rel && !path.isAbsolute(rel) && rel.split(path.sep)[0] !== '..')
      this.out = rel.split(path.sep).join('/');
  }

  async keep(paths: string[]): Promise<string[]> {
    const kept: string[] = [];
    for (const rel of paths) {
      if (this.out !== undefined && (rel + '/').startsWith(this.out + '/')) {
        this.inOut = true;
        continue;
      }
      const folder = await this.folders.folderOf(rel);
      if (folder === undefined) kept.push(rel);
      else this.earlier.add(folder);
    }
    return kept;
  }

  /** What was left out, for a message that says why a glob matched nothing; '' when nothing was. */
  note(): string {
    const what = [
      ...(this.inOut ? [`the output folder ${this.out}`] : []),
      ...(this.earlier.size ? [`earlier ATQ results (${listed([...this.earlier])})`] : []),
    ];
    return what.length ? ` (files in ${what.join(' and in ')} are never shipped)` : '';
  }
}

/** Up to five folder names, then how many more. */
export function listed(folders: string[]): string {
  const more = folders.length > 5 ? `, and ${folders.length - 5} more` : '';
  return folders.slice(0, 5).join(', ') + more;
}
