import { execFileSync } from 'node:child_process';

// --unsafe renders raw HTML instead of omitting it, so any HTML that slipped through shows up, as it would
// on GitHub (which allows <img>, <details>, <a> in comments). The extensions are GitHub's.
const CMARK_ARGS = ['--unsafe', '-e', 'table', '-e', 'autolink', '-e', 'tagfilter', '-e', 'strikethrough'];

/** Markdown rendered by cmark-gfm, GitHub's renderer. */
export function cmark(md: string): string {
  try {
    return execFileSync('cmark-gfm', [...CMARK_ARGS, '-e', 'footnotes', '-e', 'tasklist'], {
      input: md,
      encoding: 'utf8',
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        "cmark-gfm, GitHub's Markdown renderer, is not installed; this test needs it: apt-get install -y cmark-gfm",
        { cause: e },
      );
    }
    throw e;
  }
}

/** Rendered HTML text to plain text: entities decoded, the invisible word joiner mdText adds removed. */
export function plain(html: string): string {
  return html
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\u2060/g, '');
}

/** The cells of each body row of the n-th table in rendered HTML, still as HTML. */
export function tableRows(html: string, n: number): string[][] {
  const table = html.split('<table>')[n + 1]?.split('</table>')[0] ?? '';
  const body = table.split('<tbody>')[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...(row[1] as string).matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1] as string),
  );
}
