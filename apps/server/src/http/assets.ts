import type { FastifyStaticOptions } from '@fastify/static';

/** A year, the longest lifetime caches honour; hashed names change whenever their content does. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Pages and unhashed files are revalidated on every load, so a deploy is seen at once. */
export const REVALIDATE = 'no-cache';

/** Vite names what it bundles `name-<8 url-safe base64 characters>.ext` and puts it under assets/. */
const HASHED = /[\\/]assets[\\/][^\\/]+-[A-Za-z0-9_-]{8}\.[a-z0-9]+(\.br|\.gz)?$/;

/**
 * How the built web app and widget are served (ARCHITECTURE.md, "Delivery"): the brotli or gzip copy
 * the build wrote next to each text file, chosen by Accept-Encoding (so no response is compressed on
 * the fly), hashed files cached for a year as immutable, everything else revalidated. Source maps
 * are only there when the build was asked for them (PUBLIC_SOURCEMAPS=1).
 */
export function builtAssets(root: string): FastifyStaticOptions {
  return {
    root,
    preCompressed: true,
    cacheControl: false,
    setHeaders: (reply, file) => {
      reply.header('cache-control', HASHED.test(file) ? IMMUTABLE : REVALIDATE);
    },
  };
}
