import path from 'node:path';
import { FIELDS } from '../../src/config/fields.js';
import { resolveTaskOptions, SERVER_SET } from '../../src/server/atq-task.js';
import type { ServerContext } from '../../src/server/context.js';
import { OPENAPI } from '../../src/server/openapi.js';
import { pageRoutes } from '../../src/server/page.js';
import type { Route } from '../../src/server/router.js';
import { eventRoutes } from '../../src/server/routes-events.js';
import { historyRoutes } from '../../src/server/routes-history.js';
import { fileRoutes } from '../../src/server/routes-files.js';
import { resultRoutes } from '../../src/server/routes-results.js';
import { swarmRoutes } from '../../src/server/routes-swarm.js';
import { taskRoutes } from '../../src/server/routes-tasks.js';
import { openApiRoutes } from '../../src/server/openapi.js';
import { parseSeedTask } from '../../src/server/seed-task.js';
import {
  compile,
  expectMatchesSpec,
  expectRequestMatchesSpec,
  matchesSchema,
  resolvePointer,
} from '../helpers/openapi.js';

type Obj = Record<string, unknown>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** Every route the server serves: the factories only keep the context for later, so none is needed here. */
function serverRoutes(): Route[] {
  const ctx = {} as ServerContext;
  return [
    taskRoutes,
    eventRoutes,
    resultRoutes,
    historyRoutes,
    fileRoutes,
    swarmRoutes,
    openApiRoutes,
    pageRoutes,
  ].flatMap((f) => f(ctx));
}

/** /api/task/:id/results/*path → /api/task/{id}/results/{path} */
const template = (routePath: string) => routePath.replace(/[:*](\w+)/g, '{$1}');

function operations(): { method: string; path: string; op: Obj; item: Obj }[] {
  return Object.entries(OPENAPI.paths).flatMap(([p, item]) =>
    Object.entries(item)
      .filter(([k]) => METHODS.includes(k))
      .map(([method, op]) => ({ method: method.toUpperCase(), path: p, op: op as Obj, item })),
  );
}

function refs(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refs(n, found));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') found.push(v);
      else refs(v, found);
    }
  }
  return found;
}

describe('the OpenAPI document', () => {
  test('is OpenAPI 3.1 in its structure: info, paths of methods, unique operation ids, responses', () => {
    expect(OPENAPI.openapi).toBe('3.1.0');
    expect(OPENAPI.info.title).toBeTruthy();
    const ids = operations().map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [p, item] of Object.entries(OPENAPI.paths)) {
      expect(p.startsWith('/')).toBe(true);
      for (const key of Object.keys(item))
        expect([...METHODS, 'parameters', 'summary', 'description']).toContain(key);
    }
    for (const { op } of operations()) {
      expect(Object.keys(op.responses as Obj).length).toBeGreaterThan(0);
      for (const code of Object.keys(op.responses as Obj)) expect(code).toMatch(/^([1-5]\d\d|default)$/);
    }
  });

  test('every $ref resolves', () => {
    const all = refs(OPENAPI);
    expect(all.length).toBeGreaterThan(50);
    expect(all.filter((r) => resolvePointer(r) === undefined)).toEqual([]);
  });

  test("every path's {parameters} are declared as path parameters, and no others", () => {
    for (const { path: p, op, item } of operations()) {
      const declared = [...((item.parameters as Obj[]) ?? []), ...((op.parameters as Obj[]) ?? [])]
        .map((x) => (x.$ref ? resolvePointer(x.$ref as string) : x) as Obj)
        .filter((x) => x.in === 'path')
        .map((x) => x.name)
        .sort();
      const inTemplate = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect({ p, declared }).toEqual({ p, declared: inTemplate });
    }
  });

  test('every schema is valid JSON Schema 2020-12 (strict: no unknown or misplaced keyword)', () => {
    for (const name of Object.keys(OPENAPI.components.schemas))
      expect(() => compile({ $ref: `#/components/schemas/${name}` })).not.toThrow();
    for (const { op } of operations()) {
      for (const r of Object.values(op.responses as Obj)) {
        const content = ((r as Obj).content ?? {}) as Record<string, Obj>;
        for (const media of Object.values(content))
          if (media.schema) expect(() => compile(media.schema)).not.toThrow();
      }
    }
  });

  test('documents exactly the routes the server has, with their access', () => {
    const routes = serverRoutes();
    const served = routes.map((r) => `${r.method} ${template(r.path)}`).sort();
    const documented = operations()
      .map((o) => `${o.method} ${o.path}`)
      .sort();
    expect(documented).toEqual(served);
    for (const r of routes) {
      const op = OPENAPI.paths[template(r.path)]?.[r.method.toLowerCase()] as Obj;
      const responses = Object.keys(op.responses as Obj);
      if (r.open) expect(op.security).toEqual([]);
      else expect(responses).toContain('401');
      if (r.browser) expect(op.security).toEqual([{ bearer: [] }, { basic: [] }]);
    }
  });
});

const FILE_ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const quickstart = path.resolve('examples/quickstart');
const accepts = (body: unknown) => {
  try {
    expectRequestMatchesSpec('PUT', '/api/task', body);
    return true;
  } catch {
    return false;
  }
};
const atqAccepts = (body: Obj) => {
  const { fileId: _f, name: _n, schedule: _s, source: _c, ...values } = body;
  return resolveTaskOptions(values, quickstart, quickstart, {}, ['sut']).problems;
};

describe("the ATQ task form follows the option table and the server's own checks", () => {
  test('its options are the atq run options minus those the server sets', () => {
    const props = Object.keys((OPENAPI.components.schemas.AtqTask as Obj).properties as Obj).sort();
    const expected = FIELDS.map((f) => f.name).filter((n) => !SERVER_SET[n]);
    expect(props).toEqual(['fileId', 'name', 'schedule', 'source', ...expected].sort());
    for (const n of Object.keys(SERVER_SET)) expect(props).not.toContain(n);
  });

  test.each<[string, Obj]>([
    [
      'the quickstart',
      {
        fileId: FILE_ID,
        name: 'nightly',
        plan: 'plan.jmx',
        workers: 1,
        prop: { threads: 2, 'target.host': 'sut' },
      },
    ],
    [
      'lists as a text, props as KEY=VALUE',
      { fileId: FILE_ID, plan: '**/*.jmx', prop: ['loops=5'], 'attach-network': 'sut' },
    ],
    [
      'durations as text or seconds',
      { fileId: FILE_ID, timeout: '10m', 'ready-timeout': 90, delay: '1h30m' },
    ],
    [
      'gates as text and long form',
      { fileId: FILE_ID, criteria: ['p95 < 1s', { metric: 'error_rate', op: '<', value: '1%' }] },
    ],
    [
      'a wait command object',
      { fileId: FILE_ID, 'wait-command': { command: 'true', 'expected-result': 'ok', timeout: '30s' } },
    ],
    ['a schedule', { fileId: FILE_ID, schedule: '0 2 * * *', 'max-bundle-size': '20MB', mode: 'engines' }],
    [
      "the server's history as baseline, and the client's source",
      {
        fileId: FILE_ID,
        name: 'checkout',
        baseline: 'auto:main',
        criteria: ['p95 <= baseline+10%'],
        source: { commit: 'a'.repeat(40), ref: 'main', ciUrl: 'https://ci.example/run/1' },
      },
    ],
  ])('accepts %s (and so does the server)', (_what, body) => {
    expect(accepts(body)).toBe(true);
    expect(atqAccepts(body)).toEqual([]);
  });

  test.each<[string, Obj]>([
    ['no fileId', { plan: 'plan.jmx' }],
    ['an option the server sets', { fileId: FILE_ID, out: '/tmp/x' }],
    ['keep', { fileId: FILE_ID, keep: true }],
    ['an unknown option', { fileId: FILE_ID, wrokers: 2 }],
    ['workers out of range', { fileId: FILE_ID, workers: 0 }],
    ['workers as a word', { fileId: FILE_ID, workers: 'many' }],
    ['a mode that does not exist', { fileId: FILE_ID, mode: 'turbo' }],
    ['a duration that is not one', { fileId: FILE_ID, timeout: 'soon' }],
    ['a gate with an unknown op', { fileId: FILE_ID, criteria: [{ metric: 'p95', op: '≈', value: '1s' }] }],
    ['a 6-field cron', { fileId: FILE_ID, schedule: '0 0 2 * * *' }],
    ['a fileId of the wrong shape', { fileId: '../etc' }],
    ['a source with a field it has not', { fileId: FILE_ID, source: { branch: 'main' } }],
    ['a source commit that is none', { fileId: FILE_ID, source: { commit: 'HEAD' } }],
    ['a source ref with a space', { fileId: FILE_ID, source: { ref: 'a b' } }],
  ])('refuses %s', (_what, body) => {
    expect(accepts(body)).toBe(false);
  });
});

/** The seed's example payload (thesis A.4), with an upload id of today's shape. */
const SEED = {
  delay: 2,
  master: {
    alias: 'Coordinator',
    image: 'tenrero/jmeterdistributed',
    fileid: FILE_ID,
    environment: ['MODE=master', 'TEST_PATH=/atq/data/abvetmadrid.jmx'],
    replicas: 1,
    tty: true,
  },
  name: 'jm11',
  waitCommand: { command: 'sleep 4', expectedResult: '', timeout: 2 },
  worker: {
    alias: 'Minions',
    image: 'tenrero/jmeterdistributed',
    replicas: 3,
    environment: ['MODE=node'],
    tty: true,
  },
};
const seedWith = (change: (b: typeof SEED & Obj) => void) => {
  const b = structuredClone(SEED) as typeof SEED & Obj;
  change(b);
  return b;
};

describe("the seed's form agrees with the seed's parser", () => {
  test.each<[string, Obj, boolean]>([
    ["the seed's own example", SEED, true],
    [
      'environment as an object, args, collect, Go nulls',
      seedWith((b) =>
        Object.assign(b, {
          collect: ['/out/result.txt'],
          worker: {
            image: 'busybox',
            replicas: 2,
            environment: { PORT: 8080, DEBUG: true },
            args: ['httpd', '-f'],
            fileId: null,
          },
          waitCommand: null,
        }),
      ),
      true,
    ],
    ['no name', seedWith((b) => delete (b as Obj).name), false],
    ['no worker', seedWith((b) => delete (b as Obj).worker), false],
    ['no worker replicas', seedWith((b) => delete (b.worker as Obj).replicas), false],
    ['no master image', seedWith((b) => delete (b.master as Obj).image), false],
    ['two masters', seedWith((b) => (b.master.replicas = 2)), false],
    ['args as one string', seedWith((b) => ((b.worker as Obj).args = 'httpd -f')), false],
    ['REMOTES given by the user', seedWith((b) => b.master.environment.push('REMOTES=x')), false],
    ['fileId and fileid both', seedWith((b) => ((b.master as Obj).fileId = FILE_ID)), false],
    ['an unknown field', seedWith((b) => ((b.worker as Obj).ports = [80])), false],
    ['a relative collect path', seedWith((b) => (b.collect = ['out/x'])), false],
    ['a delay in text', seedWith((b) => ((b as Obj).delay = '2s')), false],
  ])('%s', (_what, body, valid) => {
    expect(accepts(body)).toBe(valid);
    expect(parseSeedTask(body).problems.length === 0).toBe(valid);
  });
});

const TASK = {
  id: 'xYz123',
  seq: 1,
  kind: 'atq',
  status: 'finished',
  owner: 'ci',
  payload: { fileId: FILE_ID, workers: 1 },
  createdAt: '2026-05-01T12:00:00.000Z',
  startedAt: '2026-05-01T12:00:01.000Z',
  finishedAt: '2026-05-01T12:00:31.000Z',
  runId: '20260501-120001-abcdef',
  verdict: 'passed',
  stages: { bundle: 120, engines: 25000 },
  position: 0,
};

describe('answers are checked strictly', () => {
  test('a task, and what is wrong with a wrong one', () => {
    expectMatchesSpec('GET', '/api/task/{id}', 200, TASK);
    expect(matchesSchema('Task', { ...TASK, error: { code: 'RUN_FAILED', message: 'x' } })).toBe(true);
    const { status: _s, ...noStatus } = TASK;
    expect(matchesSchema('Task', noStatus)).toBe(false);
    expect(matchesSchema('Task', { ...TASK, status: 'done' })).toBe(false);
    expect(matchesSchema('Task', { ...TASK, joinToken: 'SWMTKN-1' })).toBe(false);
    expect(matchesSchema('Task', { ...TASK, createdAt: 'yesterday' })).toBe(false);
    expect(matchesSchema('Task', { ...TASK, error: { code: 'X' } })).toBe(false);
    const judged = {
      ...TASK,
      verdict: 'failed',
      autoStop: {
        criterion: 'error_rate > 50% for 6s',
        message: 'stopped the run at 7s: error rate 100% for 6s',
      },
      unreliable: { reasons: ['worker-1: CPU at 90% or more'], workers: ['worker-1'] },
    };
    expect(matchesSchema('Task', judged)).toBe(true);
    expect(matchesSchema('Task', { ...judged, autoStop: { criterion: 'x' } })).toBe(false);
    expect(matchesSchema('Task', { ...judged, unreliable: { reasons: 'x', workers: [] } })).toBe(false);
  });

  test('lists, errors, events, and a status a route does not answer', () => {
    expectMatchesSpec('GET', '/api/task', 200, { tasks: [TASK], total: 1, limit: 50, offset: 0 });
    expectMatchesSpec('PUT', '/api/task', 400, {
      error: { code: 'INVALID_REQUEST', message: 'x', problems: ['name: y'] },
    });
    expectMatchesSpec('PUT', '/api/task/{id}', 405, {
      error: { code: 'METHOD_NOT_ALLOWED', message: 'x' },
    });
    expect(() => expectMatchesSpec('PUT', '/api/task', 400, { message: 'x' })).toThrow(/does not match/);
    expect(() => expectMatchesSpec('GET', '/api/task/{id}', 418, TASK)).toThrow(
      /does not document status 418/,
    );
    expect(matchesSchema('TaskEvent', { kind: 'end', task: TASK })).toBe(true);
    expect(
      matchesSchema('TaskEvent', {
        kind: 'run',
        event: { type: 'stage', stage: 'engines', phase: 'end', ms: 5 },
      }),
    ).toBe(true);
    expect(matchesSchema('TaskEvent', { kind: 'run', event: { type: 'log', message: 'no level' } })).toBe(
      false,
    );
    const stop = {
      type: 'auto-stop',
      plan: 'a.jmx',
      criterion: 'error_rate > 50% for 30s',
      message: 'x',
      elapsedMs: 1,
    };
    expect(matchesSchema('TaskEvent', { kind: 'run', event: stop })).toBe(true);
    expect(matchesSchema('TaskEvent', { kind: 'run', event: { ...stop, elapsedMs: -1 } })).toBe(false);
    expect(
      matchesSchema('Swarm', {
        engineVersion: '27.0',
        nodes: [],
        queue: { running: 0, queued: 0, concurrency: 1 },
      }),
    ).toBe(true);
    expect(matchesSchema('Swarm', { engineVersion: '27.0', nodes: [], queue: {}, joinTokens: {} })).toBe(
      false,
    );
  });

  test('a history, and what is wrong with a wrong one', () => {
    const run = {
      taskId: 'xYz123',
      runId: '20260501-120001-abcdef',
      startedAt: '2026-05-01T12:00:01.000Z',
      finishedAt: '2026-05-01T12:00:31.000Z',
      verdict: 'passed',
      source: { commit: 'abcdef1', ref: 'main', claimedBy: 'client' },
      plans: [{ plan: 'a.jmx', verdict: null, samples: 10, p95: 12.5, errorRate: 0, throughput: 3 }],
    };
    const history = { name: 'checkout', owner: 'ci', plan: null, ref: 'main', limit: 10, runs: [run] };
    expectMatchesSpec('GET', '/api/history', 200, history);
    expect(matchesSchema('History', { ...history, runs: [] })).toBe(true);
    expect(matchesSchema('HistoryRun', { ...run, source: null, verdict: null })).toBe(true);
    expect(matchesSchema('HistoryRun', { ...run, plans: [] })).toBe(false);
    expect(matchesSchema('HistoryRun', { ...run, source: { ref: 'main' } })).toBe(false);
    expect(matchesSchema('HistoryRun', { ...run, outDir: '/srv/atq/results' })).toBe(false);
    const { p95: _p, ...noP95 } = run.plans[0] as Obj;
    expect(matchesSchema('HistoryRun', { ...run, plans: [noP95] })).toBe(false);
  });
});
