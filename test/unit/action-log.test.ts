import { consoleListener } from '../../src/cli/console.js';
import { actionLogOf } from '../helpers/stdout.js';

/** What the runner would parse as a workflow command (actions/runner ActionCommand: v2 and legacy forms). */
const isCommand = (line: string) => line.trimStart().startsWith('::') || line.includes('##[');

test('container output and labels in log lines never act as workflow commands', () => {
  const lines = actionLogOf([
    { type: 'output', source: 'master', line: '::add-mask::secret' },
    { type: 'output', source: 'master', line: 'x ##[save-state name=finished]true' },
    { type: 'output', source: 'master', line: 'a\r::error::forged' },
    { type: 'log', level: 'info', message: '  FAIL  "##[group]label": p95 < 1s' },
    { type: 'progress', message: '::stop-commands::tok' },
  ])
    .split('\n')
    .filter(Boolean);
  expect(lines).toHaveLength(5);
  expect(lines.filter(isCommand)).toEqual([]);
  // Nothing is lost: the text is there, only made inert.
  expect(lines[1]).toBe('  master | x ##\u2060[save-state name=finished]true');
  expect(lines[2]).toBe('  master | a\\x0d::error::forged');
});

/**
 * The commands a line gives the runner (actions/runner ActionCommand.TryParseV2, then the legacy TryParse):
 * `::name props::data` at the start of the trimmed line, else `##[name props]data` anywhere, for a
 * registered command name (`stop-commands` registers any token as one: so every name counts here).
 */
function commandOf(line: string): { name: string; data: string } | undefined {
  const t = line.trim();
  const end = t.startsWith('::') ? t.indexOf('::', 2) : -1;
  if (end > 2) return { name: t.slice(2, end).split(' ')[0] as string, data: t.slice(end + 2) };
  const at = line.indexOf('##[');
  const close = at < 0 ? -1 : line.indexOf(']', at);
  if (close > at + 3)
    return { name: line.slice(at + 3, close).split(' ')[0] as string, data: line.slice(close + 1) };
  return undefined;
}

test("an ATQ server's stage names, sources, warnings and progress give the runner no command but the Action's own", () => {
  const lines = actionLogOf([
    { type: 'stage', stage: 'run ##[add-mask]x', phase: 'start' },
    { type: 'output', source: '::add-mask::x', line: 'y' },
    { type: 'output', source: ' ##[set-env name=A]b', line: 'y' },
    {
      type: 'log',
      level: 'warn',
      message: 'lost\n::set-output name=verdict::passed\n##[stop-commands]tok',
    },
    { type: 'progress', message: '\u001b[2K::error::forged' },
    { type: 'stage', stage: 'run ##[add-mask]x', phase: 'end' },
  ])
    .split(/\r?\n/)
    .filter(Boolean);
  expect(lines.map(commandOf).filter(Boolean)).toEqual([
    { name: 'group', data: 'atq: run ##\u2060[add-mask]x' },
    // @actions/core escapes the line ends: one annotation with three lines, none a command of its own.
    { name: 'warning', data: 'lost%0A:\u2060:set-output name=verdict::passed%0A##\u2060[stop-commands]tok' },
    { name: 'endgroup', data: '' },
  ]);
  // Nothing is lost: the text is there, only made inert.
  expect(lines).toContain('  :\u2060:add-mask::x | y');
  expect(lines).toContain('[atq] progress: \\x1b[2K::error::forged');
});

test("the CLI's console, which CI steps log, prints container output inert too", () => {
  const written: string[] = [];
  const stream = { write: (t: string) => written.push(t) } as unknown as NodeJS.WritableStream;
  const emit = consoleListener(stream);
  emit({ type: 'output', source: '::warning::src', line: 'x ##[add-mask]secret' });
  emit({ type: 'output', source: 'worker-1', line: '##[set-output name=verdict]pass' });
  const lines = written.join('').split('\n').filter(Boolean);
  expect(lines.filter(isCommand)).toEqual([]);
  expect(lines[1]).toBe('  worker-1 | ##\u2060[set-output name=verdict]pass');
});
