import { readFile } from 'node:fs/promises';
import { load as loadYaml } from 'js-yaml';
import { ConfigError } from '../errors.js';
import type { RawOptions } from './resolve.js';

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
