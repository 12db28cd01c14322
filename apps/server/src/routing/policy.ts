import { DEFAULT_POLICY, type RoutingMode, type RoutingPolicy } from '@switchboard/core';
import { QueueSettings } from '@switchboard/protocol';
import type { Db, Tx } from '../store/db.ts';

/** A queue's stored settings as the core's policy; unknown or invalid settings fall back to defaults. */
export function policyOf(row: { routing_mode: string; settings: string }): RoutingPolicy {
  let raw: unknown = {};
  try {
    raw = JSON.parse(row.settings || '{}');
  } catch {
    raw = {};
  }
  const parsed = QueueSettings.safeParse(raw);
  const s = parsed.success ? parsed.data : QueueSettings.parse({});
  const mode = (['auto_assign', 'auto_answer', 'pick_list'].includes(row.routing_mode) ? row.routing_mode : DEFAULT_POLICY.mode) as RoutingMode;
  return { ...s, mode };
}

/**
 * Queue settings change rarely and are read on every message, so each process keeps them for a few
 * seconds. A change made through this process applies at once; one made through another process
 * within POLICY_TTL_MS.
 */
export const POLICY_TTL_MS = 5_000;
const cache = new Map<number, { policy: RoutingPolicy; until: number }>();

export function forgetPolicy(queueId: number): void {
  cache.delete(queueId);
}

export async function loadPolicy(db: Db | Tx, queueId: number | null): Promise<RoutingPolicy> {
  if (queueId == null) return { ...DEFAULT_POLICY, mode: 'pick_list' };
  const hit = cache.get(queueId);
  const wall = Date.now(); // a cache lifetime, not domain time: the injected clock is not needed here
  if (hit && hit.until > wall) return hit.policy;
  const row = await db.selectFrom('queues').select(['routing_mode', 'settings']).where('id', '=', queueId).executeTakeFirst();
  const policy = row ? policyOf(row) : { ...DEFAULT_POLICY, mode: 'pick_list' as const };
  if (row) cache.set(queueId, { policy, until: wall + POLICY_TTL_MS });
  return policy;
}
