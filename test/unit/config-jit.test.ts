import { resolveOptions } from '../../src/config/resolve.js';
import { jvmEnv } from '../../src/core/context.js';
import { CI_JIT_FLAGS } from '../../src/jmeter/jit.js';

describe('--jit', () => {
  const resolve = (flags: Record<string, unknown>) => resolveOptions({}, flags, '/w');

  test("ci: every JMeter container gets C2's raised thresholds as ATQ_JVM_ARGS", () => {
    const { options } = resolve({ jit: 'ci' });
    expect(options?.jit).toBe('ci');
    expect(jvmEnv(options!)).toEqual({ ATQ_JVM_ARGS: CI_JIT_FLAGS.join(' ') });
    // Tenfold HotSpot's defaults (5000 / 600 / 15000 / 40000), and only the top tier's.
    expect(CI_JIT_FLAGS).toEqual([
      '-XX:Tier4InvocationThreshold=50000',
      '-XX:Tier4MinInvocationThreshold=6000',
      '-XX:Tier4CompileThreshold=150000',
      '-XX:Tier4BackEdgeThreshold=400000',
    ]);
  });

  test.each([{ jit: 'default' }, {}])(
    "%j leaves the JVM's own thresholds (the default); with --heap only HEAP is set",
    (flags) => {
      const { options } = resolve({ ...flags, heap: '512m' });
      expect(options?.jit).toBe('default');
      expect(jvmEnv(options!)).toEqual({ HEAP: '-Xms512m -Xmx512m' });
    },
  );

  test('an unknown value names the two there are', () => {
    expect(resolve({ jit: 'fast' }).problems).toEqual([expect.stringContaining('use default or ci')]);
  });
});
