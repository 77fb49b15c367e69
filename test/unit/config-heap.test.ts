import { resolveOptions } from '../../src/config/resolve.js';
import { jvmEnv } from '../../src/core/context.js';

describe('--heap and --mode', () => {
  const resolve = (flags: Record<string, unknown>) => resolveOptions({}, flags, '/w');

  test('a heap size becomes HEAP for the launcher of every JMeter container; none leaves the image default', () => {
    const { options } = resolve({ heap: '384m', mode: 'engines' });
    expect(options).toMatchObject({ heap: '384m', mode: 'engines' });
    expect(jvmEnv(options!)).toEqual({ HEAP: '-Xms384m -Xmx384m' });
    expect(jvmEnv(resolve({}).options!)).toEqual({});
    expect(resolve({}).options?.mode).toBe('distributed');
  });

  test.each(['1.5g', '512', '-Xmx1g', '1g -XX:+Foo', '0m'])(
    'heap %j is refused before it reaches a command line',
    (heap) => {
      expect(resolve({ heap }).problems).toEqual([
        `heap: ${JSON.stringify(heap)} is not a JVM heap size; use e.g. 512m or 2g`,
      ]);
    },
  );

  test('an unknown mode names the two there are', () => {
    expect(resolve({ mode: 'cluster' }).problems).toEqual([
      expect.stringContaining('use distributed or engines'),
    ]);
  });
});
