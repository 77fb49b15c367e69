import { cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serverOptions, SERVE_HELP } from '../../src/cli/serve.js';
import { addToken } from '../../src/server/auth.js';
import { SERVER_DEFAULTS } from '../../src/server/context.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { enqueue } from '../../src/server/submit.js';
import { silentLogger } from '../../src/util/log.js';
import { api, upload, waitTask, type Json } from '../helpers/server.js';

/**
 * atq serve --allow-monitor: a task's `monitor` reads other services' CPU and memory, so on a swarm teams
 * share the operator decides whose. Real HTTP on loopback with tokens; no swarm (a task that starts fails at
 * once on its unreachable engine, after the checks these tests are about).
 */
const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));
const NOWHERE = { host: 'tcp://127.0.0.1:9', insecurePlaintext: true };

interface Served {
  server: RunningServer;
  token: string;
  fileId: string;
}

async function serve(allowMonitors: string[]): Promise<Served> {
  const dir = tmp('atq-mon-');
  const file = path.join(dir, 'tokens');
  const token = await addToken(file, 'ci');
  const server = await startServer(
    {
      ...SERVER_DEFAULTS,
      port: 0,
      dataDir: path.join(dir, 'data'),
      docker: NOWHERE,
      tokensFile: file,
      limits: { ...SERVER_DEFAULTS.limits, allowMonitors },
    },
    silentLogger,
    'test',
  );
  const plans = tmp('atq-mon-plan-');
  cpSync(path.resolve('test/fixtures/plans/http'), plans, { recursive: true });
  return { server, token, fileId: await upload(server.url, plans, token) };
}

const submit = (s: Served, monitor: string[]) =>
  api(s.server.url, 'PUT', '/api/task', { token: s.token, body: { fileId: s.fileId, workers: 1, monitor } });

describe('a server that allows no monitoring (the default)', () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve([]);
  });
  afterAll(() => s.server.close());

  test('a task with monitor is refused with 400, naming what to ask the operator for', async () => {
    const res = await submit(s, ['shop-web']);
    expect(res.status).toBe(400);
    expect(res.body.error.problems).toEqual([
      'monitor: "shop-web" is not allowed on this server (it allows none); ' +
        'its operator can allow it with atq serve --allow-monitor shop-web',
    ]);
  });

  test('a task queued before the operator allowed less fails as it starts, with the same words', async () => {
    // As after a restart with fewer --allow-monitor: the task was accepted, and is only now found out.
    const task = enqueue(
      { kind: 'atq', payload: { fileId: s.fileId, workers: 1, monitor: ['shop-*'] } },
      'ci',
      s.server.context,
    );
    const ended = await waitTask(s.server.url, task.id, undefined, 30_000, s.token);
    expect(ended.status).toBe('failed');
    expect(ended.error.code).toBe('CONFIG_INVALID');
    expect(ended.error.message).toContain(
      'monitor: "shop-*" is not allowed on this server (it allows none); ' +
        'its operator can allow it with atq serve --allow-monitor shop-*',
    );
  });

  test('a task without monitor is not affected', async () => {
    expect((await submit(s, [])).status).toBe(202);
  });
});

describe('a server that allows --allow-monitor shop-* --allow-monitor cart-?', () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve(['shop-*', 'cart-?']);
  });
  afterAll(() => s.server.close());

  const problems = async (monitor: string[]) => {
    const res = await submit(s, monitor);
    expect(res.status).toBe(400);
    return res.body.error.problems as string[];
  };

  test('a name an allowed pattern matches is accepted, and passes the check again as the task starts', async () => {
    const res = await submit(s, ['shop-web', 'cart-a']);
    expect(res.status).toBe(202);
    const ended = await waitTask(s.server.url, res.body.id, undefined, 30_000, s.token);
    // It got as far as the swarm (which is not there): the start check let it through.
    expect(ended.status).toBe('failed');
    expect(ended.error.code).not.toBe('CONFIG_INVALID');
    expect(JSON.stringify(ended)).not.toContain('allow-monitor');
  });

  test('a glob equal to an allowed pattern is accepted', async () => {
    expect((await submit(s, ['shop-*'])).status).toBe(202);
    expect((await submit(s, ['cart-?'])).status).toBe(202);
  });

  test('a glob that is not one of the allowed patterns is refused, even one they would cover', async () => {
    expect(await problems(['shop-w*', '*', 'cart-*'])).toEqual(
      ['shop-w*', '*', 'cart-*'].map(
        (g) =>
          `monitor: "${g}" is not allowed on this server (allowed: shop-*, cart-?); a glob must be exactly ` +
          `one of the allowed patterns: use one, or name the services; its operator can allow it with ` +
          `atq serve --allow-monitor ${g}`,
      ),
    );
  });

  test('a name no allowed pattern matches is refused, and only that one is named', async () => {
    const said = await problems(['shop-web', 'billing-db', 'cart-ab']);
    expect(said).toEqual([
      expect.stringMatching(/^monitor: "billing-db" is not allowed .*--allow-monitor billing-db$/),
      expect.stringMatching(/^monitor: "cart-ab" is not allowed .*--allow-monitor cart-ab$/),
    ]);
  });
});

describe('atq serve --allow-monitor', () => {
  test('repeatable; each value a service name or glob, a bad one refused at start', () => {
    expect(serverOptions({ 'allow-monitor': ['shop-*', 'cart'] }, '/').limits.allowMonitors).toEqual([
      'shop-*',
      'cart',
    ]);
    expect(serverOptions({}, '/').limits.allowMonitors).toEqual([]);
    expect(() => serverOptions({ 'allow-monitor': ['shop web'] }, '/')).toThrow(
      /allow-monitor: "shop web" is not a service name or glob/,
    );
    expect(SERVE_HELP).toContain('--allow-monitor SERVICE');
  });

  test('the API description says who decides what a task may monitor', async () => {
    const s = await serve([]);
    try {
      const spec = (await api(s.server.url, 'GET', '/api/openapi.json')).body as Json;
      expect(JSON.stringify(spec)).toContain('--allow-monitor');
    } finally {
      await s.server.close();
    }
  });
});
