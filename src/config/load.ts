import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { ConfigError } from '../errors.js';
import type { RunOptions } from './options.js';
import { resolveOptions, type RawOptions } from './resolve.js';

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
}): Promise<RunOptions> {
  const configPath = path.resolve(input.cwd, input.configFile ?? 'atq.yml');
  const file = await loadConfigFile(configPath, input.configFile !== undefined);
  const { options, problems } = resolveOptions(file, input.values, input.cwd, path.dirname(configPath));
  const all = [...(input.problems ?? []), ...problems.map(input.nameProblem ?? ((p) => p))];
  if (!options || all.length) throw new ConfigError(all);
  return options;
}
