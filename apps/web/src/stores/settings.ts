import type { Me, User } from '@switchboard/client';
import { createStore, useStore } from './store.ts';

export type Ability = Me['abilities'][number];

/** Who is signed in, what the server says they may do, and this page's own preferences. */
export interface SettingsState {
  me: User | null;
  abilities: Ability[];
  /** The details panel beside the thread. */
  detailsOpen: boolean;
}
export const settings = createStore<SettingsState>(() => ({ me: null, abilities: [], detailsOpen: true }));

export function signedIn(me: Me): void {
  settings.set((s) => ({ ...s, me: me.user, abilities: me.abilities }));
}

/** The signed-in user (only read inside the workspace, which mounts after sign-in). */
export function useMe(): User {
  const me = useStore(settings, (s) => s.me);
  if (!me) throw new Error('useMe before sign-in');
  return me;
}
export const useAbilities = () => useStore(settings, (s) => s.abilities);
export const useDetailsOpen = () => useStore(settings, (s) => s.detailsOpen);
export const toggleDetails = () => settings.set((s) => ({ ...s, detailsOpen: !s.detailsOpen }));
