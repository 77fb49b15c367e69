import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, runIdOf } from '../helpers/cli.js';
import { jmeterImage, requireEnv, testClient } from '../helpers/env.js';
import { readJtl } from '../helpers/jtl.js';
import { api, startTestServer, upload, waitTask } from '../helpers/server.js';
import { SERVER_DEFAULTS } from '../../src/server/context.js';
import { leftovers, startTarget, type Target } from '../helpers/target.js';

// --monitor (issue 24 item 4) on the docker-in-docker two-node swarm: the target with a replica on each node.
const host = requireEnv('ATQ_TEST_TWO_NODE_DOCKER_HOST');
const client = testClient(host);
let target: Target;
let out = '';
beforeAll(async () => {
  target = await startTarget(client, 2);
  out = mkdtempSync(path.join(os.tmpdir(), 'atq-it-mon-'));
});
afterAll(async () => {
  await target?.dispose();
});

interface Container {
  service: string;
  container: string;
  node: string;
  points: { t: number; cpu: number; memory: number }[];
}

const run = (...more: string[]) =>
  runCli(
    [
      ...['run', '--image', jmeterImage(), '--attach-network', target.network, '--out', out],
      ...['--prop', `target.host=${target.host}`, '--test-dir', path.resolve('test/fixtures/plans/http')],
      ...['--monitor', 'atq-test-target-*'],
      ...more,
    ],
    { env: { DOCKER_HOST: host } },
  );

test.each([['distributed'], ['engines']])(
  "--mode %s: both nodes' target containers sampled, CPU up under load, gates judged and reported, nothing left",
  async (mode) => {
    const res = await run(
      ...['--mode', mode, '--workers', '2', '--prop', 'threads=6', '--prop', 'loops=3000'],
      // A name no service has: a note in every report, the run goes on.
      ...(mode === 'engines' ? ['--monitor', 'atq-test-nothing-here'] : []),
      ...[
        '--criteria',
        `monitor.${target.host}.cpu < 1000%`,
        '--criteria',
        `monitor.${target.host}.memory.p95 < 1MB`,
      ],
    );
    const runId = runIdOf(res);
    const dir = path.join(out, runId);
    expect(res.stderr).toContain(
      `monitor: sampling 2 container(s) of ${target.host} every 2 s on their nodes`,
    );
    // The memory gate is set to fail: its run exits 3 (gates failed), with both gates evaluated.
    expect(res.code).toBe(3);
    const data = JSON.parse(readFileSync(path.join(dir, 'monitor.json'), 'utf8')) as {
      services: string[];
      containers: Container[];
      notes: string[];
    };
    expect(data.services).toEqual([target.host]);
    expect(data.notes).toEqual(
      mode === 'engines'
        ? [
            '--monitor atq-test-nothing-here: no service of that name is on the swarm; nothing of it is sampled',
          ]
        : [],
    );
    expect(data.containers.map((c) => c.node).sort()).toEqual([
      'atq-test-dind-manager',
      'atq-test-dind-worker',
    ]);
    for (const c of data.containers) expect(c.points.length).toBeGreaterThan(2);
    // Under load the target works harder than before the load started (while the workers started).
    const rows = readJtl(path.join(dir, 'results.jtl'));
    const first = Math.min(...rows.map((r) => Number(r.timeStamp)));
    const last = Math.max(...rows.map((r) => Number(r.timeStamp)));
    const all = data.containers.flatMap((c) => c.points);
    const idle = Math.max(...all.filter((p) => p.t < first - 2000).map((p) => p.cpu));
    const busy = Math.max(...all.filter((p) => p.t > first + 1000 && p.t <= last).map((p) => p.cpu));
    expect(busy).toBeGreaterThan(0.02);
    expect(busy).toBeGreaterThan(idle * 2);
    const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8'));
    expect(summary.monitor.services[0]).toMatchObject({ service: target.host });
    expect(summary.monitor.services[0].containers).toHaveLength(2);
    expect(summary.gates.map((g: { status: string }) => g.status)).toEqual(['passed', 'failed']);
    expect(summary.gates[1].reason).toMatch(
      new RegExp(`^memory p95 of ${target.host} over \\d+ samples is .*, expected < 1MB$`),
    );
    const md = readFileSync(path.join(dir, 'summary.md'), 'utf8');
    expect(md).toContain('### System under test');
    if (mode === 'engines') expect(md).toContain('\\-\\-monitor atq\\-test\\-nothing\\-here\\: no service');
    expect(md).toContain(`monitor\\.${target.host.replace(/-/g, '\\-')}\\.cpu \\< 1000\\%`);
    const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
    expect(html).toContain('System under test: CPU (busiest container)');
    expect(await leftovers(client, runId)).toEqual([]);
  },
);

test('through atq serve: a task monitors what --allow-monitor allows, and is refused a glob it does not', async () => {
  const server = await startTestServer({
    docker: { host, insecurePlaintext: false },
    limits: { ...SERVER_DEFAULTS.limits, allowMonitors: [target.host] },
  });
  try {
    const base = server.url;
    const fileId = await upload(base, path.resolve('test/fixtures/plans/http'));
    const body = (monitor: string[]) => ({
      fileId,
      image: jmeterImage(),
      workers: 1,
      'attach-network': [target.network],
      prop: { 'target.host': target.host, threads: '2', loops: '200' },
      monitor,
    });
    const refused = await api(base, 'PUT', '/api/task', { body: body(['atq-test-target-*']) });
    expect(refused.status).toBe(400);
    expect(refused.body.error.problems).toEqual([
      expect.stringMatching(/^monitor: "atq-test-target-\*" is not allowed on this server \(allowed: /),
    ]);
    const put = await api(base, 'PUT', '/api/task', { body: body([target.host]) });
    expect(put.status).toBe(202);
    const ended = await waitTask(base, put.body.id);
    expect({ status: ended.status, error: ended.error }).toEqual({ status: 'finished' });
    const data = (await api(base, 'GET', `/api/task/${put.body.id}/results/monitor.json`)).body as {
      services: string[];
      containers: Container[];
    };
    expect(data.services).toEqual([target.host]);
    expect(data.containers.map((c) => c.node).sort()).toEqual([
      'atq-test-dind-manager',
      'atq-test-dind-worker',
    ]);
    expect(await leftovers(client, ended.runId)).toEqual([]);
  } finally {
    await server.close();
    rmSync(server.context.options.dataDir, { recursive: true, force: true });
  }
});
