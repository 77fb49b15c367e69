import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { STATE } from './state.js';

const INPUTS = [
  ['docker-tls-ca', 'ca.pem', 'ca'],
  ['docker-tls-cert', 'cert.pem', 'cert'],
  ['docker-tls-key', 'key.pem', 'key'],
] as const;

/** The TLS material the inputs gave, by its DockerOptions name: PEM text, or (once written) the files' paths. */
export type TlsMaterial = Partial<Record<(typeof INPUTS)[number][2], string>>;

/**
 * TLS material arrives as PEM text from secrets: masked before anything is logged. The options are checked
 * with this text (they take PEM text as well as paths); nothing is written yet.
 */
export function tlsInputs(): TlsMaterial {
  const texts: TlsMaterial = {};
  for (const [input, , role] of INPUTS) {
    const text = core.getInput(input);
    mask(text);
    if (text.trim()) texts[role] = text.trim();
  }
  return texts;
}

/**
 * Writes the PEM texts 0600 into a private folder under RUNNER_TEMP (the post step removes it): the run gets
 * paths, which post can be handed without the secrets. Returns the paths by the same names.
 */
export async function writeTlsFiles(texts: TlsMaterial): Promise<TlsMaterial> {
  if (!Object.keys(texts).length) return {};
  const dir = await mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'atq-tls-'));
  core.saveState(STATE.tlsDir, dir);
  const paths: TlsMaterial = {};
  for (const [, file, role] of INPUTS) {
    const text = texts[role];
    if (!text) continue;
    const target = path.join(dir, file);
    await writeFile(target, text + '\n', { mode: 0o600 });
    paths[role] = target;
  }
  return paths;
}

/** The runner masks line by line: mask the whole text and every line of it that could identify it. */
function mask(text: string): void {
  if (!text.trim()) return;
  core.setSecret(text);
  for (const line of text.split(/\r?\n/)) {
    if (line.trim().length >= 8 && !line.startsWith('-----')) core.setSecret(line.trim());
  }
}

/** Removes the folder writeTlsFiles made, and only such a folder (state is text anyone could write). */
export async function removeTlsFiles(): Promise<void> {
  const dir = core.getState(STATE.tlsDir);
  const root = process.env.RUNNER_TEMP || os.tmpdir();
  if (dir && path.dirname(dir) === path.resolve(root) && path.basename(dir).startsWith('atq-tls-')) {
    await rm(dir, { recursive: true, force: true });
  }
}
