/**
 * Health for load balancers and orchestrators. /api/health (liveness): the process answers. /api/ready
 * (readiness): this replica can write to its database and is not shutting down — a replica that answers 503
 * here gets no new traffic (full disk, database unreachable, draining on SIGTERM), and 200 again once writes succeed.
 */
import { createRoute } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { createRouter, jsonContent } from '../lib/router';

const ZHealth = z.object({ status: z.literal('ok'), instance: z.string() });
const ZReady = z.object({ status: z.enum(['ready', 'not_ready']), instance: z.string(), reason: z.string().optional() });

let isDraining = false;

/** Called on SIGTERM: readiness turns 503 so the load balancer stops sending new requests here. */
export function markDraining(): void {
  isDraining = true;
}

const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  tags: ['Health'],
  summary: 'Liveness: the process answers (no database access)',
  responses: { 200: jsonContent(ZHealth, 'Alive') },
});

const readyRoute = createRoute({
  method: 'get',
  path: '/ready',
  tags: ['Health'],
  summary: 'Readiness: the database accepts writes and the replica is not draining',
  responses: {
    200: jsonContent(ZReady, 'Ready for traffic'),
    503: jsonContent(ZReady, 'Not ready: draining, or the database refuses writes (Retry-After says when to ask again)'),
  },
});

export const healthRoutes = createRouter()
  .openapi(healthRoute, (c) => c.json({ status: 'ok' as const, instance: c.var.deps.instanceId }, 200))
  .openapi(readyRoute, async (c) => {
    const { db, instanceId } = c.var.deps;
    c.header('cache-control', 'no-store');
    if (isDraining) {
      c.header('retry-after', '5');
      return c.json({ status: 'not_ready' as const, instance: instanceId, reason: 'shutting down' }, 503);
    }
    try {
      // A real write, rolled into a no-op: a full disk or a read-only database fails here.
      await db.transaction((tx) => tx.run(sql`update system_settings set id = id where id = 1`));
      return c.json({ status: 'ready' as const, instance: instanceId }, 200);
    } catch (err) {
      c.header('retry-after', '5');
      const reason = err instanceof Error ? err.message.slice(0, 200) : 'the database refused a write';
      return c.json({ status: 'not_ready' as const, instance: instanceId, reason }, 503);
    }
  });
