import { jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { mayMonitor } from '../../src/core/monitor.js';
import type { FakeSwarm } from '../helpers/fake-swarm.js';
import { jmeterSwarm, runOnFake, runOptions } from '../helpers/fake-run.js';

jest.setTimeout(20_000);

/**
 * The run-time half of atq serve --allow-monitor: whatever a task's --monitor globs match on the swarm, the
 * core samples only the services the server's RunLimits.monitorAllow patterns match, and names no other.
 */

/** Another team's service on the swarm, running one container. */
function service(swarm: FakeSwarm, name: string) {
  return swarm.createService({
    name,
    image: 'team/app:1',
    labels: {},
    command: [],
    env: {},
    replicas: 1,
    networks: [],
    configs: [],
    secrets: [],
  });
}

async function monitored(monitorAllow?: string[]) {
  const { swarm } = jmeterSwarm();
  swarm.image('team/app:1', (c) => c.serve());
  await service(swarm, 'shop-web');
  await service(swarm, 'billing-db');
  const options = { ...runOptions({ monitor: ['*'] }), ...(monitorAllow && { limits: { monitorAllow } }) };
  const run = await runOnFake(swarm, options);
  expect(run.error).toBeUndefined();
  const data = JSON.parse(readFileSync(path.join(run.report.outDir, 'monitor.json'), 'utf8'));
  const said = [...run.events.map((e) => JSON.stringify(e)), JSON.stringify(data)].join('\n');
  return { services: data.services as string[], said };
}

test('a server run samples only the allowed services its glob matches, and says nothing of the others', async () => {
  const { services, said } = await monitored(['shop-?eb']);
  expect(services).toEqual(['shop-web']);
  expect(said).toContain('shop-web');
  expect(said).not.toContain('billing');
});

test('a run with no such limit (atq run on its own swarm) samples every service its glob matches', async () => {
  expect((await monitored()).services).toEqual(['billing-db', 'shop-web']);
});

test('mayMonitor: * and ? globs over the whole name; no list means any', () => {
  expect(mayMonitor('shop-web', ['shop-*'])).toBe(true);
  expect(mayMonitor('shop-web', ['shop-w?b'])).toBe(true);
  expect(mayMonitor('my-shop-web', ['shop-*'])).toBe(false);
  expect(mayMonitor('shop-web', [])).toBe(false);
  expect(mayMonitor('anything', undefined)).toBe(true);
});
