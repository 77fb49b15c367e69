import { parseGate } from '../../src/config/gate-grammar.js';
import { globMatches } from '../../src/config/monitor-gate.js';
import { resolveOptions } from '../../src/config/resolve.js';
import { taskPayload } from '../../src/remote/payload.js';

/** --monitor and the gates on monitored services (issue 24 item 4). */

const resolve = (flags: Record<string, unknown>, file: Record<string, unknown> = {}) =>
  resolveOptions(file, flags, '/w');
const GB = 1024 ** 3;

describe('--monitor', () => {
  test('repeatable, names and globs, from flags and atq.yml', () => {
    expect(resolve({ monitor: ['shop', 'shop-*'] }).options?.monitor).toEqual(['shop', 'shop-*']);
    expect(resolve({}, { monitor: 'db' }).options?.monitor).toEqual(['db']);
    expect(resolve({}).options?.monitor).toEqual([]);
  });

  test('a value that is no service name is refused, saying what is allowed', () => {
    expect(resolve({ monitor: ['shop api'] }).problems).toContain(
      'monitor: "shop api" is not a Swarm service name or glob (letters, digits, _ . - and the globs * ?)',
    );
  });

  test('goes to an ATQ server with the task', () => {
    const { options } = resolve({ monitor: ['shop-*'] });
    expect(JSON.stringify(taskPayload(options!, { fileId: 'f' }))).toContain('"monitor":["shop-*"]');
  });

  test('globs match whole names, * and ? only', () => {
    expect(globMatches('shop-*', 'shop-api')).toBe(true);
    expect(globMatches('shop-*', 'myshop-api')).toBe(false);
    expect(globMatches('db?', 'db1')).toBe(true);
    expect(globMatches('a.b', 'axb')).toBe(false);
  });
});

describe('gates on monitored services', () => {
  test.each([
    ['monitor.shop.cpu < 80%', { service: 'shop', resource: 'cpu', stat: 'peak' }, '<', 0.8],
    ['monitor.shop.cpu.p95 < 150%', { service: 'shop', resource: 'cpu', stat: 'p95' }, '<', 1.5],
    ['monitor.shop.memory < 1.5GB', { service: 'shop', resource: 'memory', stat: 'peak' }, '<', 1.5 * GB],
    [
      'monitor.my.api.memory.mean <= 512m',
      { service: 'my.api', resource: 'memory', stat: 'mean' },
      '<=',
      512 * 1024 ** 2,
    ],
    ['monitor.shop-*.cpu.max < 50%', { service: 'shop-*', resource: 'cpu', stat: 'peak' }, '<', 0.5],
  ])('%s', (text, monitor, op, value) => {
    const { gate, problem } = parseGate(text);
    expect(problem).toBeUndefined();
    expect(gate).toMatchObject({ monitor, op, value, label: null, expression: text });
  });

  test.each([
    ['monitor.shop.cpu < 0.8', 'CPU is a percentage of one core: write e.g. 80%'],
    ['monitor.shop.memory < 1500', 'memory needs its unit: write e.g. 1.5GB or 512MB, not "1500"'],
    ['monitor.shop.disk < 1GB', 'not of the form monitor.<service>.<cpu|memory>'],
    ['monitor.shop.cpu.p200 < 10%', 'a percentile is at most p100'],
    ['monitor.shop.cpu < baseline+10%', 'take a fixed value, not the baseline'],
  ])('%s is refused: %s', (text, why) => {
    expect(parseGate(text).problem).toContain(why);
  });

  test('the long form takes them too', () => {
    expect(parseGate({ metric: 'monitor.db.cpu.p99', op: '<', value: '90%' }).gate).toMatchObject({
      monitor: { service: 'db', resource: 'cpu', stat: 'p99' },
      value: 0.9,
    });
  });

  test('a plain gate cannot name the monitor metrics', () => {
    expect(parseGate('cpu < 80%').problem).toContain('unknown metric');
  });

  test('a gate on a service --monitor does not sample is refused before the run', () => {
    expect(resolve({ criteria: ['monitor.shop.cpu < 80%'] }).problems).toContain(
      'criteria: "monitor.shop.cpu < 80%" is on service "shop", which is not monitored; add --monitor shop (Action/atq.yml/Jenkins: monitor)',
    );
    expect(resolve({ monitor: ['shop-*'], criteria: ['monitor.shop-api.cpu < 80%'] }).problems).toEqual([]);
    expect(resolve({ monitor: ['db'], criteria: ['monitor.shop.cpu < 80%'] }).problems[0]).toContain(
      '(monitored: db)',
    );
  });
});
