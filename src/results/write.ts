import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPORT_CSS, renderHtml } from './report/html.js';
import { renderJunit } from './report/junit.js';
import { renderMarkdown } from './report/markdown.js';
import type { Summary } from './summary.js';

export const REPORT_FILES = ['summary.json', 'summary.md', 'junit.xml', 'report.html', 'report.css'] as const;

/** Writes every report of one analysed JTL into dir. */
export async function writeReports(dir: string, summary: Summary): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const contents: Record<(typeof REPORT_FILES)[number], string> = {
    'summary.json': JSON.stringify(summary, null, 2) + '\n',
    'summary.md': renderMarkdown(summary),
    'junit.xml': renderJunit(summary),
    'report.html': renderHtml(summary),
    'report.css': REPORT_CSS,
  };
  await Promise.all(Object.entries(contents).map(([name, text]) => writeFile(path.join(dir, name), text)));
  return REPORT_FILES.map((f) => path.join(dir, f));
}
