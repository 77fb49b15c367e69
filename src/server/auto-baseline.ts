import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { selectFiles } from '../bundle/select.js';
import type { RunOptions } from '../config/options.js';
import type { RunListener } from '../core/events.js';
import { ConfigError } from '../errors.js';
import { selectHistory, writeHistoryFolder } from './history.js';
import type { Store, TaskRecord } from './store.js';

/** Where a task's history is gathered while it runs: beside its results, never listed with them. */
export const historyDir = (taskResults: string) => path.join(taskResults, 'history');

/** "earlier finished tasks named "checkout" of ci (ref main)": what the history is, for messages. */
export function historyWords(task: Pick<TaskRecord, 'name' | 'owner'>, ref?: string): string {
  const name = JSON.stringify((task.name ?? '').slice(0, 100));
  return `earlier finished tasks named ${name} of ${task.owner}${ref === undefined ? '' : ` (ref ${ref})`}`;
}

/**
 * `baseline: auto`: the newest earlier runs of this task's name and plans (its own token's), up to
 * baseline-runs per plan, gathered in `dir` for the core to read as a history. None yet (a first run) is
 * a configuration error with baseline-missing fail; with skip (auto's default) the empty folder makes the
 * core skip the gates on the baseline, saying there is no summary in it.
 */
export async function gatherAutoBaseline(
  task: TaskRecord,
  options: RunOptions,
  store: Store,
  dir: string,
  onEvent: RunListener,
): Promise<{ error?: ConfigError }> {
  const ref = options.baselineAuto?.ref;
  const plans = await planNames(options);
  // No plan matches: the run itself fails on that in a moment, with the bundle's message.
  if (!plans) return {};
  const entries = await selectHistory(store, {
    owner: task.owner,
    name: task.name ?? '',
    ref,
    plans,
    limit: options.baselineRuns,
  });
  const what = historyWords(task, ref);
  if (!entries.length && options.baselineMissing === 'fail')
    return {
      error: new ConfigError([
        `baseline: auto: there are no ${what} on this server to compare with (this is the first, or their ` +
          'results have expired). Run it once without gates on the baseline, or give baseline-missing: skip ' +
          'to skip them until there is a history.',
      ]),
    };
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeHistoryFolder(dir, entries);
  options.baselineFile = dir;
  if (entries.length)
    onEvent({
      type: 'log',
      level: 'info',
      message:
        `baseline: auto: ${entries.length} ${what}, newest first: ` +
        entries.map((e) => `task ${e.task.id}`).join(', '),
    });
  return {};
}

/** The plans the task's globs select in its upload, as the run will name them. */
async function planNames(options: RunOptions): Promise<string[] | undefined> {
  try {
    const selection = await selectFiles(options.testDir, options.plans, [], { jars: [] });
    return selection.plans.length ? selection.plans.map((p) => p.rel) : undefined;
  } catch {
    return undefined;
  }
}
