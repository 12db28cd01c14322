import { z } from 'zod';

export const Id = z.coerce.number().int().positive();
export const Timestamp = z.number().int().describe('Epoch milliseconds');

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().describe('Stable machine-readable code, e.g. message_too_long'),
      message: z.string().describe('A sentence for people'),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof ErrorBody>;

/**
 * A boolean in a query string: `true`/`1` and `false`/`0`, anything else refused (400). Use it for
 * every query flag: `z.coerce.boolean()` reads any text, "false" included, as true.
 */
export const QueryBoolean = z.preprocess((v) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v), z.boolean());

export const IdParams = z.object({ id: Id });

export const PageQuery = z.object({
  cursor: z.string().max(200).optional().describe('Opaque cursor from the previous page'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export function page<T extends z.ZodTypeAny>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export const Ok = z.object({ ok: z.literal(true) });

/** A download's body: the file's bytes, sent with the file's own content type (never JSON). */
export const FileBytes = z.custom<Uint8Array<ArrayBufferLike>>((v) => v instanceof Uint8Array).meta({ type: 'string', format: 'binary', description: 'The file, with its own content type' });
