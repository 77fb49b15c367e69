import type { TarEntry } from '../bundle/tar.js';
import type { RunOptions } from '../config/options.js';
import { readRunBaselines } from '../core/baseline.js';
import type { Logger } from '../util/log.js';

/** Where the baseline's summaries go in the upload: a dot folder, so no plan or data glob ever ships it. */
export const BASELINE_DIR = '.atq-baseline';

export interface ShippedBaseline {
  entries: TarEntry[];
  /** The task's `baseline`: a path inside the upload. */
  path: string;
}

/**
 * --baseline names a file here, which the server cannot read: its summaries travel in the upload instead,
 * and the task names them there. Read as a local run reads it first, so a missing or bad baseline fails
 * (or, with --baseline-missing skip, warns) before anything is uploaded, with the same message.
 */
export async function shipBaseline(
  options: RunOptions,
  logger: Logger,
): Promise<ShippedBaseline | undefined> {
  const { set } = await readRunBaselines(options, logger);
  if (!set) return undefined;
  if (set.kind === 'file') {
    const path = `${BASELINE_DIR}/summary.json`;
    return { path, entries: [{ name: path, content: JSON.stringify(set.summaries[0]) }] };
  }
  // A folder: one summary per plan and run, matched by the plan names inside them, not by their paths.
  const entries = set.summaries.map((s, i) => ({
    name: `${BASELINE_DIR}/${i + 1}/summary.json`,
    content: JSON.stringify(s),
  }));
  return { path: BASELINE_DIR, entries };
}
