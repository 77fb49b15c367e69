import type { DockerOptions } from '../config/options.js';
import { SwarmClient } from './client.js';
import { resolveConnection } from './connection.js';

/** Opens the client lazily, so a bad DOCKER_HOST is reported as part of the run (and in run.json). */
export function connector(docker: DockerOptions): () => Promise<SwarmClient> {
  return async () => SwarmClient.open(resolveConnection(docker));
}
