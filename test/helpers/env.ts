import Docker from 'dockerode';
import type { SwarmClient } from '../../src/swarm/api.js';
import { DockerSwarmClient } from '../../src/swarm/client.js';
import { resolveConnection } from '../../src/swarm/connection.js';

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: run the tests with npm test (its setup runs test/env/up.sh)`);
  return value;
}

export const jmeterImage = () => requireEnv('ATQ_TEST_JMETER_IMAGE');
export const targetImage = () => requireEnv('ATQ_TEST_TARGET_IMAGE');
/** busybox-static with every applet (sh, httpd, wget): a small non-JMeter master/worker pair. */
export const busyboxImage = () => requireEnv('ATQ_TEST_BUSYBOX_IMAGE');

/** A client for assertions, talking to the same TLS engine as the CLI under test. */
export function testClient(host = requireEnv('DOCKER_HOST')): SwarmClient {
  return DockerSwarmClient.open(resolveConnection({ host, insecurePlaintext: false }));
}

/** dockerode on the test engine, for what the product never does or has no call for. */
function docker(host: string): Docker {
  const c = resolveConnection({ host, insecurePlaintext: false });
  return new Docker({
    host: c.host,
    port: c.port,
    protocol: c.protocol,
    ca: c.ca,
    cert: c.cert,
    key: c.key,
  });
}

/** Kills a container as the OOM killer or an operator would (SIGKILL). Tests only: the product never does this. */
export async function killContainer(id: string, host = requireEnv('DOCKER_HOST')): Promise<void> {
  await docker(host).getContainer(id).kill();
}

/** The specs of a run's services as Docker keeps them, by role label: what the product asked the swarm for. */
export async function serviceSpecs(
  runId: string,
  host = requireEnv('DOCKER_HOST'),
): Promise<Map<string, Docker.ServiceSpec>> {
  const services = await docker(host).listServices({ filters: { label: [`atq.run=${runId}`] } });
  return new Map(services.map((s) => [s.Spec?.Labels?.['atq.role'] ?? '', s.Spec ?? {}]));
}
