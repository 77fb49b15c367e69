import { LEASE_LABELS, LEASE_ROLE, runStates } from '../../src/core/lease.js';
import { engineLost } from '../../src/core/engine.js';
import { AtqError } from '../../src/errors.js';
import type { SwarmClient } from '../../src/swarm/api.js';
import { failureKind } from '../../src/swarm/calls.js';
import type { LabelledObject } from '../../src/swarm/types.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

function obj(
  run: string,
  kind: LabelledObject['kind'],
  createdSecondsAgo: number,
  extra: Record<string, string> = {},
) {
  return {
    kind,
    id: `${run}-${kind}-${Object.keys(extra).length}`,
    name: `atq-${run}-${kind}`,
    labels: { 'atq.run': run, 'atq.role': kind, ...extra },
    createdAt: ago(createdSecondsAgo),
  } satisfies LabelledObject;
}

function lease(run: string, beatSecondsAgo: number, extra: Record<string, string> = {}): LabelledObject {
  return {
    ...obj(run, 'config', 600),
    labels: {
      'atq.run': run,
      'atq.role': LEASE_ROLE,
      [LEASE_LABELS.owner]: 'ci@runner pid 7',
      [LEASE_LABELS.started]: ago(600),
      [LEASE_LABELS.ttl]: '60',
      ...extra,
    },
    updatedAt: ago(beatSecondsAgo),
  };
}

describe('runStates: a run is live while its lease is renewed, judged by the engine clock', () => {
  test.each([
    [
      'fresh heartbeat',
      [lease('a', 5), obj('a', 'service', 500)],
      true,
      /in progress: last heartbeat 5\.0s ago/,
    ],
    [
      'heartbeat older than the lease period',
      [lease('a', 61), obj('a', 'service', 500)],
      false,
      /lease expired: last heartbeat 1m1s ago/,
    ],
    [
      'released by --keep',
      [lease('a', 1, { [LEASE_LABELS.released]: ago(1) }), obj('a', 'service', 500)],
      false,
      /released by its run/,
    ],
    [
      'no lease, objects old (an older atq, or half removed)',
      [obj('a', 'service', 120)],
      false,
      /no lease; newest object 2m0s old/,
    ],
    ['no lease, objects just created: benefit of the doubt', [obj('a', 'network', 3)], true, /no lease/],
  ] as const)('%s', (_name, objects, live, why) => {
    const [state] = runStates([...objects], NOW);
    expect(state).toMatchObject({ runId: 'a', live });
    expect(state?.why).toMatch(why);
  });

  test('objects are grouped per run; the owner and start come from the lease', () => {
    const states = runStates([lease('a', 5), obj('a', 'service', 9), obj('b', 'service', 900)], NOW);
    expect(states.map((s) => [s.runId, s.live, s.objects.length])).toEqual([
      ['a', true, 2],
      ['b', false, 1],
    ]);
    expect(states[0]).toMatchObject({ owner: 'ci@runner pid 7', startedAt: ago(600) });
  });
});

describe('failureKind tells an engine that did not answer from one that refused', () => {
  const err = (props: Record<string, unknown>, message = 'x') => Object.assign(new Error(message), props);
  test.each([
    ['connection refused', err({ code: 'ECONNREFUSED', syscall: 'connect' }), 'ECONNREFUSED'],
    [
      'reset during the TLS handshake is not a TLS problem',
      err(
        { code: 'ECONNRESET' },
        'Client network socket disconnected before secure TLS connection was established',
      ),
      'ECONNRESET',
    ],
    ['a DNS blip', err({ code: 'EAI_AGAIN', syscall: 'getaddrinfo' }), 'EAI_AGAIN'],
    [
      'a bad certificate',
      err({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }, 'unable to verify the first certificate'),
      'tls',
    ],
    [
      'a stopping swarm (503)',
      err({
        statusCode: 503,
        json: { message: 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join"' },
      }),
      'the swarm is not available there (HTTP 503)',
    ],
    [
      'an HTTP error that mentions a certificate is an answer',
      err({ statusCode: 500, json: { message: 'secret certificate in use' } }),
      undefined,
    ],
    ['a 409 is an answer', err({ statusCode: 409 }), undefined],
  ] as const)('%s', (_name, e, kind) => {
    expect(failureKind(e)).toBe(kind);
  });
});

test("a lost engine's message says what to do; Docker's own advice (swarm init) stays in the details, for the log", () => {
  const docker =
    'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect';
  const cause = new AtqError(
    'DOCKER_CONNECT',
    'Cannot list tasks at tcp://m:2376: the swarm is not available there (HTTP 503).',
    {
      code: 'the swarm is not available there (HTTP 503)',
      engineSaid: docker,
    },
  );
  const client = { url: 'tcp://m:2376', unreachableSince: Date.now() - 12_000 } as SwarmClient;
  const lost = engineLost(client, cause, 'the plan was running');
  expect(lost.message).toMatch(
    /stopped answering at .* while the plan was running \(the swarm is not available there \(HTTP 503\); no answer for 12[.\d]*s\)/,
  );
  expect(lost.message).not.toMatch(/swarm init|swarm join/);
  expect(lost.details.engineSaid).toBe(docker);
});
