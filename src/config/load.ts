import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { ConfigError } from '../errors.js';
import type { RunOptions } from './options.js';
import { resolveOptions, type RawOptions } from './resolve.js';
import { isInside, linkProblem, pathProblems, targetProblems, type Untrusted } from './untrusted.js';

/** Reads atq.yml. A missing default file is fine; a missing file the user named is not. */
export async function loadConfigFile(file: string, explicit: boolean): Promise<RawOptions> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if (!explicit && (e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError([`config: cannot read ${file}: ${(e as Error).message}`]);
  }
  let doc: unknown;
  try {
    doc = loadYaml(text, { filename: file });
  } catch (e) {
    throw new ConfigError([`config: ${file} is not valid YAML: ${(e as Error).message}`]);
  }
  if (doc === undefined || doc === null) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError([`config: ${file} must be a mapping of option names to values (see README)`]);
  }
  return doc as RawOptions;
}

/**
 * The options of a run, from every source a front has: an options file (atq.yml; the default one is
 * optional, a named one must exist) and the front's own values (CLI flags, Action inputs), which win.
 * Throws a ConfigError listing every problem at once.
 */
export async function loadRunOptions(input: {
  values: RawOptions;
  configFile?: string;
  cwd: string;
  /** Problems the front found reading its own values (e.g. an input that is not a boolean). */
  problems?: string[];
  /** Words a problem the way the front's user knows the option (an Action input's name). */
  nameProblem?: (problem: string) => string;
  /** The working folder is someone else's checkout and the front holds secrets: see config/untrusted.ts. */
  untrusted?: Untrusted;
}): Promise<RunOptions> {
  const { cwd, untrusted: u } = input;
  const configPath = path.resolve(cwd, input.configFile ?? 'atq.yml');
  // An options file in the workspace is the checkout's; one the front names outside it is the operator's.
  const fileUntrusted = u !== undefined && isInside(cwd, configPath);
  const link = fileUntrusted ? await linkProblem('config', configPath, cwd, u) : undefined;
  if (link) throw new ConfigError([link]);
  const file = await loadConfigFile(configPath, input.configFile !== undefined);
  const { options, problems } = resolveOptions(file, input.values, cwd, path.dirname(configPath));
  const refused = fileUntrusted ? targetProblems(file, configPath, u) : [];
  if (u && options) {
    const fromFile = (name: string) =>
      fileUntrusted && file[name] !== undefined && input.values[name] === undefined;
    refused.push(...(await pathProblems(options, fromFile, configPath, cwd, u)));
  }
  const all = [...refused, ...(input.problems ?? []), ...problems.map(input.nameProblem ?? ((p) => p))];
  if (!options || all.length) throw new ConfigError(all);
  return options;
}
