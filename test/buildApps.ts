import { TARGETS, isStale } from '../scripts/build-if-stale.mjs';

/**
 * Runs once per `vitest run`: builds the web app and the widget when their output is missing or
 * older than their sources, with `npm start`'s own stale check, so the browser tests drive what
 * `npm start` would serve.
 */
export default async function setup(): Promise<void> {
  for (const target of TARGETS) {
    if (target.name === 'server' || !isStale(target)) continue;
    await target.build();
  }
}
