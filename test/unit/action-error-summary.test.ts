import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { errorMarkdown, ERROR_ITEMS, jobSummary } from '../../src/action/job-summary.js';
import { main } from '../../src/action/main.js';
import { outcome } from '../../src/core/outcome.js';
import type { RunReport } from '../../src/core/report.js';
import { AtqError, ConfigError } from '../../src/errors.js';

/**
 * Issue 22: an error's lines ("- input …") stay a list in the job summary, escaped and bounded. Checked as
 * GitHub shows it: through cmark-gfm, GitHub's Markdown renderer, with its extensions.
 */
function html(md: string): string {
  try {
    return execFileSync('cmark-gfm', ['--unsafe', '-e', 'table', '-e', 'autolink', '-e', 'tagfilter'], {
      input: md,
      encoding: 'utf8',
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error("this test needs cmark-gfm, GitHub's renderer: apt-get install -y cmark-gfm", {
        cause: e,
      });
    throw e;
  }
}

/** The text of each list item in rendered HTML (entities decoded, mdText's word joiners removed). */
const items = (h: string) =>
  [...h.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) =>
    (m[1] as string)
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
      .replace(/\u2060/g, ''),
  );

describe('the Action on bad inputs (its real main, as the runner starts it)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atq-action-summary-'));
  const summaryFile = path.join(dir, 'summary.md');
  const inputs = {
    INPUT_WORKERS: '0',
    INPUT_PROPERTIES: 'nokey',
    'INPUT_RMI-SSL': 'yes',
    INPUT_TIMEOUT: 'soon',
  };
  const env = { ...inputs, GITHUB_STEP_SUMMARY: summaryFile, GITHUB_OUTPUT: path.join(dir, 'out.txt') };
  const saved: Record<string, string | undefined> = {};

  beforeAll(() => {
    writeFileSync(summaryFile, '');
    writeFileSync(env.GITHUB_OUTPUT, '');
    for (const [k, v] of Object.entries(env)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  test('four bad inputs: the job summary holds a heading and a list of the four problems', async () => {
    const write = process.stdout.write;
    process.stdout.write = () => true;
    try {
      await main();
    } finally {
      process.stdout.write = write;
      // setFailed marked the process failed; this test process is not the one that failed.
      process.exitCode = 0;
    }
    const md = readFileSync(summaryFile, 'utf8');
    expect(md.split('\n')[0]).toBe('> ❌ **CONFIG\\_INVALID**: Invalid configuration\\:');
    const h = html(md);
    expect((h.match(/<ul>/g) ?? []).length).toBe(1);
    expect(items(h)).toEqual([
      'input rmi-ssl: "yes" is not true or false',
      'input workers: 0 is out of range; use 1 to 500',
      'input properties: "nokey" is not KEY=VALUE (e.g. users=10)',
      'input timeout: "soon" is not a duration; use e.g. 1500ms, 30s, 5m, 2h (a bare number is seconds)',
    ]);
  });
});

describe('errorMarkdown', () => {
  test('each item escaped: no link, image or HTML from what a message quotes', () => {
    const h = html(
      errorMarkdown(
        new ConfigError(['input x: "<img src=y>" is bad', 'input y: "[a](https://evil.example)" too'])
          .message,
        'CONFIG_INVALID',
      ),
    );
    for (const bad of ['<img', '<a ', 'href']) expect(h).not.toContain(bad);
    expect(items(h)).toEqual(['input x: "<img src=y>" is bad', 'input y: "[a](https://evil.example)" too']);
  });

  test('bounded: at most ERROR_ITEMS items, each cut; the rest counted', () => {
    const problems = Array.from({ length: ERROR_ITEMS + 20 }, (_, i) => `problem ${i} ` + 'x'.repeat(3000));
    const shown = items(html(errorMarkdown(new ConfigError(problems).message, 'CONFIG_INVALID')));
    expect(shown).toHaveLength(ERROR_ITEMS + 1);
    expect(shown[0]?.length).toBeLessThanOrEqual(1001);
    expect(shown[0]?.endsWith('x…')).toBe(true);
    expect(shown[ERROR_ITEMS]).toBe("… and 20 more (the step's log has them all)");
  });

  test('a one-line message stays one line; lines that are no items continue the one before', () => {
    expect(errorMarkdown('reached its --timeout', 'RUN_TIMEOUT')).toBe(
      '> ❌ **RUN\\_TIMEOUT**: reached its \\-\\-timeout\n',
    );
    const h = html(
      errorMarkdown('The test plan cannot run:\n  - a.jmx: bad\n    more on a\n  - b.jmx: worse'),
    );
    expect(items(h)).toEqual(['a.jmx: bad more on a', 'b.jmx: worse']);
  });

  test("a run's error in the job summary is a list too", () => {
    const report = { runId: 'r1', status: 'failed', plans: [] } as unknown as RunReport;
    const error = new AtqError('BUNDLE_INVALID', 'The test plan cannot run:\n  - a.jmx: one\n  - b.jmx: two');
    const h = html(jobSummary(report, [], outcome(report, error), 'a'));
    expect(items(h)).toEqual(['a.jmx: one', 'b.jmx: two']);
  });
});
