import { AbortedError, AtqError } from '../../src/errors.js';
import { outcome } from '../../src/core/outcome.js';
import type { RunReport } from '../../src/core/report.js';

const report = (over: Partial<RunReport> = {}): RunReport => ({
  runId: 'r1',
  status: 'succeeded',
  outDir: '/o/r1',
  plans: [],
  masterImage: 'i',
  workerImage: 'i',
  workersRequested: 2,
  workerAddresses: [],
  workers: [],
  startedAt: '2026-11-25T00:00:00Z',
  stages: {},
  ...over,
});

describe('outcome: one mapping for every front', () => {
  test.each([
    ['success without gates', report({ verdict: 'no-gates' }), undefined, 'succeeded', 0],
    ['gates passed', report({ verdict: 'passed' }), undefined, 'succeeded', 0],
    ['a gate failed', report({ verdict: 'failed' }), undefined, 'gates-failed', 3],
    [
      'an error wins over the verdict',
      report({ verdict: 'failed', status: 'failed' }),
      new AtqError('RUN_TIMEOUT', 'late'),
      'failed',
      1,
    ],
    ['a cancel', report({ status: 'aborted' }), new AbortedError('received SIGINT'), 'aborted', 130],
  ] as const)('%s', (_name, r, error, kind, exitCode) => {
    const o = outcome(r, error);
    expect(o).toMatchObject({ kind, exitCode });
    if (error) expect(o.headline).toBe(`[${error.code}] ${error.message}`);
  });

  test('the headline is the first line of the message; the whole message is kept', () => {
    const o = outcome(report(), new AtqError('ENGINE_UNREACHABLE', 'gone\nremove with: atq cleanup'));
    expect(o.headline).toBe('[ENGINE_UNREACHABLE] gone');
    expect(o.error?.message).toContain('atq cleanup');
  });
});
