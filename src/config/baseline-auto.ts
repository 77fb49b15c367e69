import type { RunOptions } from './options.js';

/**
 * `baseline: auto` (or `auto:REF`): the history a server keeps of this task's earlier runs, instead of a path.
 * On a server, `auto` takes the earlier finished tasks of the same name and plan (of the same token); `auto:main`
 * only those whose client said they tested ref `main`. The GitHub Action reads `auto` before this (its own
 * history); a local run has no history to read and refuses it.
 */
export interface AutoBaseline {
  /** Only earlier runs whose source ref (as their clients claimed it) is this one. */
  ref?: string;
}

const PREFIX = 'auto:';

/** The `auto` value a baseline option holds, or undefined for a path. */
export function parseAutoBaseline(value: unknown): AutoBaseline | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === 'auto') return {};
  return text.startsWith(PREFIX) ? { ref: text.slice(PREFIX.length) } : undefined;
}

/** The option's text again, as a task sends it. */
export const autoBaselineText = (a: AutoBaseline) => (a.ref === undefined ? 'auto' : `${PREFIX}${a.ref}`);

/** Git refs hold no spaces or control characters; 255 is more than any CI's branch names need. */
export const REF_PATTERN = /^[^\s\x00-\x1f\x7f]{1,255}$/; // eslint-disable-line no-control-regex

export function autoBaselineProblem(a: AutoBaseline): string | undefined {
  if (a.ref === undefined || REF_PATTERN.test(a.ref)) return undefined;
  return (
    `baseline: "auto:${a.ref.slice(0, 80)}" does not name a branch or ref after "auto:" (1 to 255 characters, ` +
    'no spaces); use auto for every earlier run, or e.g. auto:main for those of main'
  );
}

/** A history is kept where runs are kept: a server, GitHub's artifacts, Jenkins' builds; a local run has none. */
const LOCAL_AUTO =
  'baseline: auto is the history of earlier runs an ATQ server keeps (atq run --server URL --baseline auto), ' +
  "or GitHub's (the Action's baseline: auto); Jenkins' is baseline: 'lastSuccessful'. A run on the swarm " +
  "from here has none: give the summary.json of an earlier run or a folder of earlier runs' results " +
  '(e.g. --baseline atq-results), or run it through a server.';

/** `auto` on a run that goes to the swarm directly: there is no history to read. */
export function localAutoProblem(options: Pick<RunOptions, 'baselineAuto' | 'server'>): string | undefined {
  return options.baselineAuto && !options.server ? LOCAL_AUTO : undefined;
}
