import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { QueryBoolean, errorResponses, SIGNED_IN, type ErrorCode } from '@switchboard/protocol';
import { requireAuth, viewerOf } from '../auth.ts';
import type { Services } from '../services.ts';
import { visibleTo } from '../../store/conversations.ts';

const common: readonly ErrorCode[] = [...SIGNED_IN];
const TagCount = z.object({ id: z.number(), name: z.string(), color: z.string(), count: z.number().int() });

/**
 * Seed 002's tag filter: customer tags with how many of the conversations you can see carry each,
 * most used first, plus how many have no tags. "Pinned" counts pinned tags only.
 */
export function tagCountRoutes(s: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', requireAuth);
    const db = s.store.db;
    app.get(
      '/customer-tags/counts',
      {
        schema: {
          tags: ['tags'],
          operationId: 'countCustomerTags',
          summary: 'Customer tags by number of visible conversations carrying them',
          querystring: z.object({ pinned: QueryBoolean.optional() }),
          response: { 200: z.object({ items: z.array(TagCount), noTags: z.number().int() }), ...errorResponses(common) },
        },
      },
      async (req) => {
        const viewer = viewerOf(req);
        const pinned = req.query.pinned === true;
        let q = db
          .selectFrom('conversations as c')
          .innerJoin('contact_tags as ct', 'ct.contact_id', 'c.contact_id')
          .innerJoin('tags as t', 't.id', 'ct.tag_id')
          .where((eb) => visibleTo(eb, viewer))
          .where('t.kind', '=', 'customer');
        if (pinned) q = q.where('ct.pinned', '=', 1);
        const rows = await q
          .select((eb) => ['t.id', 't.name', 't.color', eb.fn.count<number>('c.id').distinct().as('n')])
          .groupBy(['t.id', 't.name', 't.color'])
          .execute();
        const none = await db
          .selectFrom('conversations as c')
          .where((eb) => visibleTo(eb, viewer))
          .where('c.contact_id', 'is not', null)
          .where((eb) => {
            let sub = eb.selectFrom('contact_tags as ct').select('ct.tag_id').whereRef('ct.contact_id', '=', 'c.contact_id');
            if (pinned) sub = sub.where('ct.pinned', '=', 1);
            return eb.not(eb.exists(sub));
          })
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirst();
        const items = rows.map((r) => ({ id: r.id, name: r.name, color: r.color, count: Number(r.n) })).sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
        return { items, noTags: Number(none?.n ?? 0) };
      },
    );
  };
}
