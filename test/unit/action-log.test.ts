import { jest } from '@jest/globals';
import { actionListener } from '../../src/action/log.js';

/** What the runner would parse as a workflow command (actions/runner ActionCommand: v2 and legacy forms). */
const isCommand = (line: string) => line.trimStart().startsWith('::') || line.includes('##[');

test('container output and labels in log lines never act as workflow commands', () => {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    const emit = actionListener();
    emit({ type: 'output', source: 'master', line: '::add-mask::secret' });
    emit({ type: 'output', source: 'master', line: 'x ##[save-state name=finished]true' });
    emit({ type: 'output', source: 'master', line: 'a\r::error::forged' });
    emit({ type: 'log', level: 'info', message: '  FAIL  "##[group]label": p95 < 1s' });
    emit({ type: 'progress', message: '::stop-commands::tok' });
  } finally {
    spy.mockRestore();
  }
  const lines = written.join('').split('\n').filter(Boolean);
  expect(lines).toHaveLength(5);
  expect(lines.filter(isCommand)).toEqual([]);
  // Nothing is lost: the text is there, only made inert.
  expect(lines[1]).toBe('  master | x ##\u2060[save-state name=finished]true');
  expect(lines[2]).toBe('  master | a\\x0d::error::forged');
});
