import { RunControl } from '../../src/core/control.js';
import { AbortedError } from '../../src/errors.js';
import { until, within } from '../../src/util/abort.js';

const never = new Promise<never>(() => {});

describe('RunControl: one signal for cancel, --timeout and removal; the first reason wins', () => {
  test('a cancel moves every deadline to a fixed time after it, even for work already under way', () => {
    const outside = new AbortController();
    const control = new RunControl(outside.signal, 60_000, () => 'ready');
    const copy = control.deadline(120_000, 4_500);
    expect(copy() - Date.now()).toBeGreaterThan(100_000);
    outside.abort(new AbortedError('received SIGINT'));
    expect(control.cancelled).toBe(true);
    expect(copy() - (control.cancelledAt as number)).toBe(4_500);
    expect(control.reason?.code).toBe('RUN_ABORTED');
    control.dispose();
  });

  test('--timeout names the stage the run was in; a later cancel does not replace it', async () => {
    const outside = new AbortController();
    const control = new RunControl(outside.signal, 20, () => 'ready');
    await new Promise((r) => setTimeout(r, 60));
    expect(control.reason?.code).toBe('RUN_TIMEOUT');
    expect(control.reason?.message).toContain('while the workers were starting');
    outside.abort(new AbortedError('received SIGINT'));
    expect(control.reason?.code).toBe('RUN_TIMEOUT');
    control.dispose();
  });
});

describe('until / within', () => {
  test('until gives up when the deadline (re-read as it goes) moves closer', async () => {
    let end = Date.now() + 60_000;
    const t0 = Date.now();
    setTimeout(() => (end = Date.now()), 50);
    expect(await until(() => end, never)).toBeUndefined();
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  test('a settled promise wins, undefined included', async () => {
    expect(await until(() => Date.now() + 1000, Promise.resolve(undefined))).toEqual({ value: undefined });
    expect(await within(1000, Promise.resolve(7))).toEqual({ value: 7 });
    expect(await within(10, never)).toBeUndefined();
  });
});

describe('orAbort', () => {
  test('a call that never answers is abandoned when the run aborts, with the run’s reason', async () => {
    const { orAbort } = await import('../../src/util/abort.js');
    const ac = new AbortController();
    const never = new Promise<number>(() => {});
    const raced = orAbort(never, ac.signal);
    ac.abort(new Error('run timed out'));
    await expect(raced).rejects.toThrow('run timed out');
    await expect(orAbort(Promise.resolve(7), new AbortController().signal)).resolves.toBe(7);
  });
});
