import { readFile } from 'node:fs/promises';
import { AtqError } from '../errors.js';
import type { Selection } from './select.js';
import { checkPlan } from './plan-check.js';
import { splitEntries, type SplitFile } from './split-csv.js';
import { tarGz } from './tar.js';

/**
 * Swarm configs are the only way to get files into containers without a shared filesystem or a registry.
 * Engine 20.10 caps one config at 500 KB (1000 KB from 23), so the archive is split below that.
 */
export const CONFIG_CHUNK_BYTES = 450 * 1024;

export interface Bundle {
  archive: Buffer;
  chunks: Buffer[];
  fileCount: number;
  warnings: string[];
}

export async function checkPlans(
  selection: Selection,
): Promise<{ warnings: string[]; headers: Set<string> }> {
  const bundled = new Set(selection.files.map((f) => f.rel));
  const problems: string[] = [];
  const warnings: string[] = [];
  const headers = new Set<string>();
  for (const plan of selection.plans) {
    const facts = checkPlan(plan.rel, await readFile(plan.abs, 'utf8'), bundled);
    problems.push(...facts.problems);
    warnings.push(...facts.warnings);
    for (const set of facts.csvSets) if (set.header) headers.add(set.file);
  }
  if (problems.length) {
    throw new AtqError('BUNDLE_INVALID', `The test plan cannot run:\n  - ${problems.join('\n  - ')}`, {
      problems,
    });
  }
  return { warnings, headers };
}

/** The per-worker slices of the --split-csv files, as extra bundle entries. */
async function splitFiles(selection: Selection, workers: number, headers: Set<string>) {
  const files: SplitFile[] = [];
  for (const f of selection.split)
    files.push({ rel: f.rel, text: await readFile(f.abs, 'utf8'), header: headers.has(f.rel) });
  return splitEntries(files, workers);
}

/**
 * Packs the selection as a .tar.gz (entries relative to the test dir, plus each worker's slice of the
 * --split-csv files) and splits it for Swarm configs.
 */
export async function packBundle(selection: Selection, maxBundleBytes: number, workers = 1): Promise<Bundle> {
  const maxBytes = maxBundleBytes + jarAllowance(selection);
  const { warnings, headers } = await checkPlans(selection);
  const split = await splitFiles(selection, workers, headers);
  warnings.push(...split.warnings);
  const total =
    selection.files.reduce((sum, f) => sum + f.size, 0) +
    split.entries.reduce((sum, e) => sum + e.content.length, 0);
  if (total > maxBytes * 4) throw tooLarge(selection, total, maxBytes, 'uncompressed');
  const archive = await tarGz([
    ...selection.files.map((f) => ({ name: f.rel, abs: f.abs })),
    ...split.entries.map((e) => ({ name: e.name, content: e.content })),
  ]);
  if (archive.length > maxBytes) throw tooLarge(selection, archive.length, maxBytes, 'compressed');
  const chunks: Buffer[] = [];
  for (let i = 0; i < archive.length; i += CONFIG_CHUNK_BYTES)
    chunks.push(archive.subarray(i, i + CONFIG_CHUNK_BYTES));
  return { archive, chunks, fileCount: selection.files.length + split.entries.length, warnings };
}

/**
 * Jars hardly compress and a plugin set is easily a few MB: they get room of their own on top of
 * --max-bundle-size (up to JAR_ALLOWANCE_BYTES), so adding a plugin does not push plans and data over it.
 */
export const JAR_ALLOWANCE_BYTES = 50 * 1024 * 1024;

function jarAllowance(selection: Selection): number {
  return Math.min(
    JAR_ALLOWANCE_BYTES,
    selection.jars.reduce((sum, f) => sum + f.size, 0),
  );
}

function tooLarge(selection: Selection, size: number, max: number, kind: string): AtqError {
  const biggest = [...selection.files]
    .sort((a, b) => b.size - a.size)
    .slice(0, 5)
    .map((f) => `${f.rel} (${mb(f.size)})`);
  return new AtqError(
    'BUNDLE_TOO_LARGE',
    `The test bundle is ${mb(size)} ${kind}, above the limit of ${mb(max)}. Largest files: ${biggest.join(', ')}. ` +
      `Narrow --files (jars: up to ${mb(JAR_ALLOWANCE_BYTES)} of them come on top of the limit), or raise ` +
      '--max-bundle-size (each MB becomes Swarm configs held by the managers).',
    { size, max },
  );
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MB`;
