import { selectRunFiles } from '../bundle/select.js';
import { tarGz, type TarEntry } from '../bundle/tar.js';
import type { RunOptions } from '../config/options.js';
import type { Logger } from '../util/log.js';
import { shipBaseline } from './baseline.js';

export interface Upload {
  archive: Buffer;
  fileCount: number;
  /** The plans that matched, relative to the test dir: the task's name in the server's list. */
  plans: string[];
  /** Where the baseline's summaries are in the upload, when --baseline gave one. */
  baseline?: string;
}

/**
 * The test dir's files as a local run would ship them (selectRunFiles: the same globs, the output folder
 * and earlier results left out), packed as a .tar.gz of test-dir-relative paths, with the baseline's
 * summaries. The server splits the CSV files and checks the plans itself: its run is an ordinary `atq run`.
 */
export async function packTestDir(options: RunOptions, logger: Logger): Promise<Upload> {
  const baseline = await shipBaseline(options, logger);
  const selection = await selectRunFiles(options, logger);
  const files: TarEntry[] = selection.files.map((f) => ({ name: f.rel, abs: f.abs }));
  const archive = await tarGz([...files, ...(baseline?.entries ?? [])]);
  return {
    archive,
    fileCount: selection.files.length,
    plans: selection.plans.map((p) => p.rel),
    baseline: baseline?.path,
  };
}
