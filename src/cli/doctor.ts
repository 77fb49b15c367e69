import { randomBytes } from 'node:crypto';
import { AtqError, errorMessage } from '../errors.js';
import { RunResources } from '../core/cleanup.js';
import { RUN_LABEL } from '../core/run-id.js';
import { describeRun, runStates } from '../core/lease.js';
import { FIND_JMETER } from '../jmeter/commands.js';
import { tail } from '../jmeter/log-check.js';
import { resolveConnection } from '../swarm/connection.js';
import type { SwarmClient } from '../swarm/api.js';
import { DockerSwarmClient } from '../swarm/client.js';
import { FINAL_STATES } from '../swarm/types.js';
import { sleep } from '../util/abort.js';
import { silentLogger } from '../util/log.js';
import { readLogs } from '../core/logs.js';
import { parseFlags } from './args.js';
import { connectionFlagSpec, dockerOptionsFrom } from './cleanup.js';
import { EXIT } from './exit.js';

export const DOCTOR_HELP = `Usage: atq doctor [--image IMG]... [connection options]

Checks the connection (DOCKER_HOST, TLS), that the engine is a swarm manager, the nodes, leftovers of
earlier runs, and with --image that every node can run that image and finds jmeter in it.`;

/** JMeter's location as the run's prelude looks for it; fails (grep) when there is none. */
const PROBE_JMETER = `${FIND_JMETER} | grep .`;

export async function doctorCommand(argv: string[], cwd: string, signal?: AbortSignal): Promise<number> {
  const flags = parseFlags(argv, {
    image: { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h' },
    ...connectionFlagSpec(),
  });
  if (flags.help) {
    process.stdout.write(DOCTOR_HELP + '\n');
    return EXIT.ok;
  }
  let failures = 0;
  const say = (ok: boolean | 'warn', text: string) => {
    if (ok === false) failures++;
    process.stdout.write(`${ok === true ? 'ok  ' : ok === 'warn' ? 'warn' : 'FAIL'}  ${text}\n`);
  };
  let client: SwarmClient;
  try {
    const conn = resolveConnection(dockerOptionsFrom(flags, cwd));
    say(
      true,
      `connection: ${conn.url}${conn.protocol === 'https' ? ' (TLS)' : conn.socketPath ? ' (local socket)' : ' (PLAINTEXT)'}`,
    );
    client = DockerSwarmClient.open(conn);
  } catch (e) {
    say(false, errorMessage(e));
    return EXIT.error;
  }
  try {
    const info = await client.info();
    say(true, `engine: Docker ${info.serverVersion}, API ${info.apiVersion}`);
    if (info.localNodeState !== 'active' || !info.isManager) {
      say(
        false,
        `swarm: this engine is ${info.localNodeState === 'active' ? 'a worker node' : `not in a swarm (${info.localNodeState})`}; atq needs a manager`,
      );
      return EXIT.error;
    }
    say(true, `swarm: manager node ${info.nodeId.slice(0, 12)}, ${info.nodes} node(s)`);
    for (const n of await client.nodes()) {
      const usable = n.state === 'ready' && n.availability === 'active';
      say(usable ? true : 'warn', `node ${n.hostname} (${n.role}, ${n.addr}): ${n.state}, ${n.availability}`);
    }
    const runs = runStates(await client.listLabelled(RUN_LABEL), info.systemTime);
    for (const r of runs.filter((r) => r.live)) say(true, `in progress: ${describeRun(r)}`);
    const dead = runs.filter((r) => !r.live);
    for (const r of dead) say('warn', `leftover: ${describeRun(r)}`);
    say(
      dead.length ? 'warn' : true,
      dead.length
        ? `leftovers: ${dead.length} run(s) no longer alive; remove them with atq cleanup --all (runs in progress are left alone)`
        : 'leftovers: none',
    );
    for (const image of (flags.image as string[] | undefined) ?? []) {
      for (const line of await probeImage(client, image, signal)) say(line.ok, line.text);
    }
  } catch (e) {
    // Interrupted: the probe was removed on the way out; exit as interrupted.
    if (e instanceof AtqError && e.code === 'RUN_ABORTED') throw e;
    say(false, e instanceof AtqError ? e.message : errorMessage(e));
  }
  return failures ? EXIT.error : EXIT.ok;
}

/** Runs the image once on every node (a global service) and reports where jmeter was found. */
async function probeImage(
  client: SwarmClient,
  image: string,
  signal?: AbortSignal,
): Promise<{ ok: boolean; text: string }[]> {
  const resources = new RunResources(client, `doctor-${randomBytes(3).toString('hex')}`, silentLogger);
  const name = `atq-${resources.runId}`;
  try {
    // A lease, so that a janitor running meanwhile leaves the probe alone.
    await resources.acquireLease(() => {});
    const id = await client.createService({
      name,
      image,
      labels: resources.labels('doctor'),
      command: ['sh', '-c', PROBE_JMETER],
      env: {},
      replicas: 1,
      global: true,
      networks: [],
      configs: [],
      secrets: [],
    });
    resources.track('service', id, name);
    const nodeList = await client.nodes();
    const nodes = new Map(nodeList.map((n) => [n.id, n.hostname]));
    const ready = nodeList.filter((n) => n.state === 'ready' && n.availability === 'active').length;
    const deadline = Date.now() + 90_000;
    for (;;) {
      const tasks = await client.tasks(id);
      const done = tasks.filter((t) => FINAL_STATES.has(t.state));
      if ((done.length >= ready && tasks.length >= ready) || Date.now() > deadline) {
        const lines = [];
        for (const t of tasks) {
          const where = nodes.get(t.nodeId) ?? t.nodeId.slice(0, 12);
          const ok = t.state === 'complete' && t.exitCode === 0;
          const out = tail(await readLogs(client, 'task', t.id), 1);
          lines.push({
            ok,
            text: ok
              ? `image ${image} on ${where}: jmeter at ${out}`
              : `image ${image} on ${where}: ${t.state}${t.error ? ` (${t.error})` : ''}${t.exitCode ? `, no jmeter on PATH or in /opt/apache-jmeter*` : ''}`,
          });
        }
        return lines.length
          ? lines
          : [{ ok: false, text: `image ${image}: no node ran the probe within 90s` }];
      }
      await sleep(1000, signal);
    }
  } finally {
    await resources.dispose();
  }
}
