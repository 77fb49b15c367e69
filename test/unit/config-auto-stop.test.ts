import {
  DEFAULT_AUTO_STOP,
  parseAutoStop,
  parseAutoStopCriterion,
} from '../../src/config/auto-stop-grammar.js';

describe('auto-stop criteria: the gate grammar, a window and an optional "then stop"', () => {
  test.each([
    [
      'error_rate > 50% for 30s then stop',
      { label: null, metric: 'error_rate', op: '>', value: 0.5, windowMs: 30_000 },
    ],
    ['p95 > 2s for 1m', { metric: 'p95', op: '>', value: 2000, windowMs: 60_000 }],
    ['p99>=1500ms for 1m30s THEN STOP', { metric: 'p99', op: '>=', value: 1500, windowMs: 90_000 }],
    ['p90 > 800ms for 45s', { metric: 'p90', value: 800, windowMs: 45_000 }],
    ['median > 1s for 20s', { metric: 'p50', value: 1000 }],
    ['mean > 1.5s for 2m', { metric: 'avg', value: 1500, windowMs: 120_000 }],
    ['throughput < 10/s for 1m', { metric: 'throughput', op: '<', value: 10 }],
    ['"GET /login": p95 > 2s for 1m then stop', { label: 'GET /login', metric: 'p95', value: 2000 }],
    // The last " for " is the window's: a label may hold the word.
    ['"wait for it": p95 > 2s for 1m', { label: 'wait for it', windowMs: 60_000 }],
    ['checkout: error_rate >= 20% for 10s', { label: 'checkout', metric: 'error_rate', value: 0.2 }],
  ])('%s', (text, expected) => {
    const { criterion, problem } = parseAutoStopCriterion(text);
    expect(problem).toBeUndefined();
    expect(criterion).toMatchObject({ text, ...expected });
  });

  test('the YAML long form, for labels with awkward characters', () => {
    const { criterion } = parseAutoStopCriterion({
      label: 'POST /a: "b"',
      metric: 'p95',
      op: '>',
      value: '2s',
      for: '1m',
    });
    expect(criterion).toMatchObject({ label: 'POST /a: "b"', metric: 'p95', value: 2000, windowMs: 60_000 });
  });

  test.each([
    // A bare number is not a time (it would be ms here and seconds in --timeout): refused, never guessed.
    ['p95 > 2 for 1m', 'a time needs its unit: write 2ms or 0.002s'],
    ['p95 > 2s', 'no window: add "for <duration>", e.g. "p95 > 2s for 30s"'],
    ['p95 > 2s then stop', 'no window: add "for <duration>" before "then", e.g. "p95 > 2s for 30s"'],
    ['p95 > 2s for 30', 'a window needs its unit: write "for 30s" or "for 30m"'],
    ['p95 > 2s for soon', '"for soon": not a duration; write e.g. 30s, 1m, 1m30s'],
    ['p95 > 2s for 0s', 'the window must be longer than 0s'],
    ['p95 > 2s for 1m then alert', '"then alert": the only action is stop'],
    ['eror_rate > 5% for 1m', 'unknown metric "eror_rate"; did you mean error_rate?'],
    [
      'p59 > 2s for 1m',
      'not p59 (did you mean p50 or p99 or p90?); as a --criteria gate it is judged at the end',
    ],
    ['max > 2s for 1m', 'auto-stop judges error_rate, p50, p90, p95, p99, avg, throughput'],
    ['p95 > baseline for 1m', 'auto-stop compares with fixed values, not a baseline'],
    ['p95 == 2s for 1m', 'use < <= > or >='],
    ['error_rate > 150% for 1m', 'an error rate lies between 0% and 100%'],
    ['error_rate > 5 for 1m', 'error_rate takes %, not "no unit"'],
    ['"GET /a": p95 < 2 for 1m', '""GET /a": p95 < 2 for 1m": a time needs its unit'],
  ])('%s is refused, saying what to write', (text, message) => {
    const { criterion, problem } = parseAutoStopCriterion(text);
    expect(criterion).toBeUndefined();
    expect(problem).toContain(message);
  });

  test('the long form without a window says which keys it needs', () => {
    expect(parseAutoStopCriterion({ metric: 'p95', op: '>', value: '2s' }).problem).toContain(
      'the long form needs metric, op, value and for',
    );
  });
});

describe('parseAutoStop: the criteria a run judges', () => {
  const texts = (value: unknown) => parseAutoStop(value).criteria.map((c) => c.text);

  test('on by default: error rate >= 90% for 60 s, as Azure Load Testing', () => {
    expect(texts(undefined)).toEqual([DEFAULT_AUTO_STOP]);
    expect(texts([])).toEqual([DEFAULT_AUTO_STOP]);
    expect(parseAutoStop(undefined).criteria[0]).toMatchObject({
      metric: 'error_rate',
      op: '>=',
      value: 0.9,
      windowMs: 60_000,
    });
  });

  test('"off" turns it off; alone only', () => {
    expect(parseAutoStop('off')).toEqual({ criteria: [], problems: [] });
    expect(parseAutoStop(['OFF'])).toEqual({ criteria: [], problems: [] });
    expect(parseAutoStop(['off', 'p95 > 2s for 1m']).problems[0]).toBe(
      'auto-stop: "off" turns auto-stop off: give either off or criteria, not both',
    );
  });

  test("the user's criteria add to the default; a whole-run error_rate criterion of their own replaces it", () => {
    expect(texts(['p95 > 2s for 1m'])).toEqual([DEFAULT_AUTO_STOP, 'p95 > 2s for 1m']);
    expect(texts(['"login": error_rate > 5% for 1m'])).toEqual([
      DEFAULT_AUTO_STOP,
      '"login": error_rate > 5% for 1m',
    ]);
    expect(texts(['error_rate > 50% for 30s', 'p95 > 2s for 1m'])).toEqual([
      'error_rate > 50% for 30s',
      'p95 > 2s for 1m',
    ]);
  });

  test('every bad entry is reported at once, then the allowed forms', () => {
    const { criteria, problems } = parseAutoStop([
      'p95 > 2 for 1m',
      'p95 > 2s',
      42,
      'error_rate > 1% for 1m',
    ]);
    expect(criteria).toEqual([]);
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^auto-stop: "p95 > 2 for 1m": a time needs its unit/);
    expect(problems[1]).toMatch(/^auto-stop: "p95 > 2s": no window/);
    expect(problems[2]).toBe('auto-stop: 42: expected a criterion (text) or {label, metric, op, value, for}');
    expect(problems[3]).toMatch(
      /^auto-stop: allowed forms:\n {6}\[<label>:\] <metric> <op> <value> for <window>/,
    );
  });
});
