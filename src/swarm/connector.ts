import type { DockerOptions } from '../config/options.js';
import type { SwarmClient } from './api.js';
import { DockerSwarmClient } from './client.js';
import { resolveConnection } from './connection.js';
import type { ServiceLimits } from './types.js';

/**
 * Opens the client lazily, so a bad DOCKER_HOST is reported as part of the run (and in run.json). `limits`
 * cap every container its services start (atq serve's --task-cpus / --task-memory).
 */
export function connector(docker: DockerOptions, limits?: ServiceLimits): () => Promise<SwarmClient> {
  return async () => DockerSwarmClient.open(resolveConnection(docker), limits);
}
