import type { AgentPresence, LabelDefinition, TagWithKind, User } from '@switchboard/client';
import { api } from '../api.ts';
import { createStore, useStore } from './store.ts';
import { queues } from './queues.ts';

/** The people of the workspace and everyone's live status and load (presence.updated). */
export interface UsersState {
  users: User[];
  agents: Record<number, AgentPresence>;
}
export const users = createStore<UsersState>(() => ({ users: [], agents: {} }));
export const useUsers = () => useStore(users, (s) => s.users);
export const useAgents = () => useStore(users, (s) => s.agents);

/** Labels and tags an administrator defines (names in lists and pickers). */
export interface LabelsState {
  labels: LabelDefinition[];
  conversationTags: TagWithKind[];
  customerTags: TagWithKind[];
}
export const labels = createStore<LabelsState>(() => ({ labels: [], conversationTags: [], customerTags: [] }));
export const useLabels = () => useStore(labels);

export function setAgent(p: AgentPresence): void {
  users.set((s) => ({ ...s, agents: { ...s.agents, [p.userId]: p } }));
}

export function reloadAgents(): void {
  api.agents().then((r) => users.set((s) => ({ ...s, agents: Object.fromEntries(r.items.map((a) => [a.userId, a])) })), () => {});
}

/** People, labels, tags and queues again (at start, and when an administrator changed one). */
export function reloadDirectory(): void {
  void Promise.all([api.users(), api.labels(), api.tags(), api.queues()]).then(
    ([u, l, t, q]) => {
      users.set((s) => ({ ...s, users: u.items }));
      queues.set(q.items);
      labels.set({
        labels: l.items,
        conversationTags: t.items.filter((x) => x.kind === 'conversation'),
        customerTags: t.items.filter((x) => x.kind === 'customer'),
      });
    },
    () => {},
  );
}
