import { readFileSync } from 'node:fs';

/** Minimal reader for the JTLs our fixtures produce (no quoted commas): header name -> column. */
export function readJtl(file: string): Record<string, string>[] {
  const [header, ...rows] = readFileSync(file, 'utf8').trim().split('\n');
  const names = (header ?? '').split(',');
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [names[i], v])));
}
