import { realpath } from 'node:fs/promises';
import path from 'node:path';
import type { RunOptions } from './options.js';
import type { RawOptions } from './resolve.js';

/**
 * A front that runs atq in a folder someone else filled (a pull request's checkout) while it holds secrets
 * (the Jenkins step with credentials bound, the Action given TLS secrets or a token) says so. Then an options
 * file in that folder may not say where the run goes or with which credentials: it could send the secrets to
 * a host of its choosing. And no path may lead out of the folder, by what the file says or through a link
 * the checkout placed: the bundle would ship the agent's files to the swarm, the results would be written
 * over the agent's.
 */
export interface Untrusted {
  /** Why, for messages: "the runLoadTest step binds credentials (ATQ_UNTRUSTED_WORKSPACE=1)". */
  because: string;
  /** Where these options are set instead: "the runLoadTest step's parameters (dockerHost, ...)". */
  instead: (options: string[]) => string;
}

/** Set by the Jenkins step; the CLI then treats its working folder as untrusted. Not an option: no file sets it. */
export const UNTRUSTED_ENV = 'ATQ_UNTRUSTED_WORKSPACE';

/** The options that name the target and its credentials. */
export const TARGET_OPTIONS = [
  'server',
  'token',
  'docker-host',
  'tls-ca',
  'tls-cert',
  'tls-key',
  'insecure-plaintext',
] as const;

const PATH_OPTIONS = [
  ['test-dir', 'testDir'],
  ['out', 'outDir'],
  ['baseline', 'baselineFile'],
] as const;

/** Whether `p` is `root` or below it, by name. */
export function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (rel.split(path.sep)[0] !== '..' && !path.isAbsolute(rel));
}

/**
 * The real path of `p` (links resolved), also when its last parts do not exist yet (a results folder): the
 * deepest part that exists is resolved and the rest appended.
 */
async function realPath(p: string): Promise<string> {
  let existing = p;
  for (;;) {
    try {
      return path.join(await realpath(existing), path.relative(existing, p));
    } catch (e) {
      const up = path.dirname(existing);
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || up === existing) throw e;
      existing = up;
    }
  }
}

/** The problem when a path inside the workspace leads out of it through a link, or undefined. */
export async function linkProblem(
  what: string,
  p: string,
  cwd: string,
  u: Untrusted,
): Promise<string | undefined> {
  if (!isInside(cwd, p)) return undefined;
  const [real, root] = await Promise.all([realPath(p), realPath(cwd)]);
  if (isInside(root, real)) return undefined;
  return (
    `${what}: ${p} leads out of the workspace through a symbolic link (to ${real}); ${u.because}, so ` +
    'atq reads and writes only inside it. Replace the link with a folder or file of the checkout.'
  );
}

/** An options file in the workspace: it may not name the target or credentials (see Untrusted). */
export function targetProblems(file: RawOptions, configPath: string, u: Untrusted): string[] {
  const set = TARGET_OPTIONS.filter((name) => file[name] !== undefined);
  if (!set.length) return [];
  const them = set.length === 1 ? 'it' : 'them';
  return [
    `config: ${configPath} sets ${set.join(', ')}; ${u.because}, so where the run goes and with which ` +
      'credentials comes only from there, never from a file in the workspace (a pull request could send the ' +
      `credentials elsewhere). Remove ${them} from ${configPath} and set ${them} with ${u.instead([...set])}.`,
  ];
}

/**
 * Paths of the run: those the options file gives stay in the workspace, and none that is in the workspace
 * leads out of it through a link. `fromFile` says which option took its value from the file.
 */
export async function pathProblems(
  options: RunOptions,
  fromFile: (name: string) => boolean,
  configPath: string,
  cwd: string,
  u: Untrusted,
): Promise<string[]> {
  const problems: string[] = [];
  for (const [name, key] of PATH_OPTIONS) {
    const p = options[key];
    if (p === undefined) continue;
    if (fromFile(name) && !isInside(cwd, p)) {
      problems.push(
        `${name}: ${p} (from ${configPath}) is outside the workspace ${cwd}; ${u.because}, so an options ` +
          `file there may only name paths inside it. Use a path in the workspace, or set ${name} with ` +
          `${u.instead([name])}.`,
      );
      continue;
    }
    const link = await linkProblem(name, p, cwd, u);
    if (link) problems.push(link);
  }
  return problems;
}
