import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { STATE } from './state.js';

const INPUTS = [
  ['docker-tls-ca', 'ca.pem', 'tls-ca'],
  ['docker-tls-cert', 'cert.pem', 'tls-cert'],
  ['docker-tls-key', 'key.pem', 'tls-key'],
] as const;

/**
 * TLS material arrives as PEM text from secrets. It is masked before anything is logged, written 0600
 * into a private folder under RUNNER_TEMP (the post step removes it) and handed to the run as paths.
 * Returns the option values to use instead of the inputs' text.
 */
export async function tlsFromInputs(): Promise<Record<string, string>> {
  const given = INPUTS.map(([input, file, option]) => ({ text: core.getInput(input), file, option }));
  for (const { text } of given) mask(text);
  if (!given.some((g) => g.text.trim())) return {};
  const dir = await mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'atq-tls-'));
  core.saveState(STATE.tlsDir, dir);
  const values: Record<string, string> = {};
  for (const { text, file, option } of given) {
    if (!text.trim()) continue;
    const target = path.join(dir, file);
    await writeFile(target, text.trim() + '\n', { mode: 0o600 });
    values[option] = target;
  }
  return values;
}

/** The runner masks line by line: mask the whole text and every line of it that could identify it. */
function mask(text: string): void {
  if (!text.trim()) return;
  core.setSecret(text);
  for (const line of text.split(/\r?\n/)) {
    if (line.trim().length >= 8 && !line.startsWith('-----')) core.setSecret(line.trim());
  }
}

/** Removes the folder tlsFromInputs made, and only such a folder (state is text anyone could write). */
export async function removeTlsFiles(): Promise<void> {
  const dir = core.getState(STATE.tlsDir);
  const root = process.env.RUNNER_TEMP || os.tmpdir();
  if (dir && path.dirname(dir) === path.resolve(root) && path.basename(dir).startsWith('atq-tls-')) {
    await rm(dir, { recursive: true, force: true });
  }
}
