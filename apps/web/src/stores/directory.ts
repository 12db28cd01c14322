import { useMemo } from 'react';
import type { AgentPresence, LabelDefinition, Queue, TagWithKind, User } from '@switchboard/client';
import { useQueues } from './queues.ts';
import { useMe } from './settings.ts';
import { useAgents, useLabels, useUsers } from './users.ts';

/** What pickers and names need at once: people, labels, tags, queues and everyone's presence. */
export interface Directory {
  me: User;
  users: User[];
  labels: LabelDefinition[];
  conversationTags: TagWithKind[];
  customerTags: TagWithKind[];
  queues: Queue[];
  /** Everyone's live status and load (presence.updated). */
  agents: Record<number, AgentPresence>;
}

export function useDirectory(): Directory {
  const me = useMe();
  const users = useUsers();
  const agents = useAgents();
  const labels = useLabels();
  const queues = useQueues();
  return useMemo(() => ({ me, users, agents, queues, ...labels }), [me, users, agents, queues, labels]);
}
