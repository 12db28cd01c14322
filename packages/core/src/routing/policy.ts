/**
 * A queue's routing rules, fully resolved (defaults applied). The zod schema that validates the
 * stored settings lives in `@switchboard/protocol` (QueueSettings); the core only reads the values.
 */
export const ROUTING_MODES = ['auto_assign', 'auto_answer', 'pick_list'] as const;
export type RoutingMode = (typeof ROUTING_MODES)[number];

export const ROUTING_STRATEGIES = ['round_robin', 'least_busy'] as const;
export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number];

export interface RoutingPolicy {
  /** Auto-assign offers to one agent at a time; auto-answer assigns at once; pick list waits for a pick. */
  mode: RoutingMode;
  strategy: RoutingStrategy;
  /** Max concurrent active conversations for agents without their own capacity. */
  capacity: number;
  /** An offer not answered in this time passes to the next agent. */
  offerTimeoutMs: number;
  /** Seed 001: automatic wrap-up closes by itself after `wrapUpMs`; manual waits for Close. */
  wrapUp: 'automatic' | 'manual';
  wrapUpMs: number;
  /** Seed 004: resolve after this long without a customer answer (null: never). */
  inactivityResolveMs: number | null;
  /** Seed 003: a chat request nobody joined becomes abandoned after this long (null: never). */
  abandonAfterMs: number | null;
  /** Seed 004: the customer writing one of these ("thanks", "resolved") resolves the conversation. */
  resolveKeywords: string[];
  /** Seed 002 time limits: first reply within, next reply within (null: no limit). */
  firstReplyMs: number | null;
  nextReplyMs: number | null;
}

export const DEFAULT_POLICY: RoutingPolicy = {
  mode: 'auto_assign',
  strategy: 'round_robin',
  capacity: 5,
  offerTimeoutMs: 30_000,
  wrapUp: 'automatic',
  wrapUpMs: 60_000,
  inactivityResolveMs: 24 * 3600_000,
  abandonAfterMs: null,
  resolveKeywords: [],
  firstReplyMs: null,
  nextReplyMs: null,
};
