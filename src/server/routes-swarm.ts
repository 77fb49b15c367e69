import type { ServerContext } from './context.js';
import { sendJson } from './http.js';
import type { Route } from './router.js';

/** GET /api/swarm: what the cluster offers. Never join tokens, certificates or addresses of the API. */
export function swarmRoutes(ctx: ServerContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/swarm',
      handler: async ({ res }) => {
        const client = await ctx.connect();
        const [info, nodes] = await Promise.all([client.info(), client.nodes()]);
        sendJson(res, 200, {
          engineVersion: info.serverVersion,
          nodes: nodes.map((n) => ({
            id: n.id,
            hostname: n.hostname,
            role: n.role,
            availability: n.availability,
            state: n.state,
            engineVersion: n.engineVersion,
            cpus: n.cpus,
            memoryBytes: n.memoryBytes,
          })),
          queue: {
            running: ctx.queue.activeCount,
            queued: ctx.store.queued().length,
            concurrency: ctx.options.concurrency,
          },
        });
      },
    },
    {
      method: 'GET',
      path: '/api/monitoring/ping',
      open: true,
      handler: ({ res }) => sendJson(res, 200, { status: 'ok', version: ctx.version }),
    },
  ];
}
