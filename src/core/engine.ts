import { AtqError, isAtqError } from '../errors.js';
import type { SwarmClient } from '../swarm/api.js';
import { formatDuration } from '../util/duration.js';

/** How long a poll keeps trying an engine that does not answer before the run gives up on it. */
export const ENGINE_GRACE_MS = 10_000;

/**
 * Decides what a failed poll means. A blip (a reset connection, a restarting proxy) is retried; an engine
 * silent for longer than ENGINE_GRACE_MS fails the run with ENGINE_UNREACHABLE, saying since when.
 * Returns normally when the caller should poll again; throws otherwise.
 */
export function toleratePollFailure(
  client: SwarmClient,
  e: unknown,
  during: string,
  graceMs = ENGINE_GRACE_MS,
): void {
  if (!isAtqError(e) || e.code !== 'DOCKER_CONNECT' || client.unreachableSince === undefined) throw e;
  if (!engineDown(client, graceMs)) return;
  throw engineLost(client, e, during);
}

/** True once the engine has not answered for ENGINE_GRACE_MS: retrying it (polls, removals) is useless. */
export function engineDown(client: SwarmClient, graceMs = ENGINE_GRACE_MS): boolean {
  const since = client.unreachableSince;
  return since !== undefined && Date.now() - since >= graceMs;
}

export function engineLost(client: SwarmClient, cause: AtqError, during: string): AtqError {
  const since = client.unreachableSince ?? Date.now();
  return new AtqError(
    'ENGINE_UNREACHABLE',
    `The Docker engine at ${client.url} stopped answering at ${new Date(since).toISOString()} while ${during} ` +
      `(${String(cause.details.code ?? cause.message)}; no answer for ${formatDuration(Date.now() - since)}). ` +
      'The run cannot go on without it: check that the engine is running and reachable from here.',
    {
      url: client.url,
      unreachableSince: new Date(since).toISOString(),
      engineSaid: cause.details.engineSaid,
    },
    { cause },
  );
}
