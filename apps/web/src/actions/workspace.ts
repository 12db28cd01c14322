import type { Action } from './types.ts';

/** What the workspace-wide actions may call. */
export interface WorkspaceContext {
  openId: number | null;
  closeConversation: () => void;
  showCheatSheet: () => void;
}

/** Keys of the whole workspace (bound once in the workspace, listed in the cheat sheet). */
export const WORKSPACE_ACTIONS: Array<Action<WorkspaceContext>> = [
  {
    name: 'closeConversation',
    label: 'Close the conversation detail',
    describe: 'Close the conversation detail',
    shortcut: { key: 'Escape', label: 'Esc', inFields: true },
    placement: [],
    allowed: (x) => x.openId !== null,
    perform: (x) => x.closeConversation(),
  },
  {
    name: 'cheatSheet',
    label: 'Keyboard shortcuts',
    describe: 'This cheat sheet',
    shortcut: { key: '?', label: '?' },
    placement: [],
    allowed: () => true,
    perform: (x) => x.showCheatSheet(),
  },
];

/** Keys a focused control answers itself (the composer, the list), listed beside the actions. */
export const LOCAL_KEYS: Array<{ keys: string; describe: string; after?: string }> = [
  { keys: 'Enter / Ctrl+Enter', describe: 'Send the reply' },
  { keys: 'Shift+Enter', describe: 'New line' },
  { keys: 'Ctrl+/ / /', describe: 'Canned messages (/ in an empty reply)' },
  { keys: 'Alt+N', describe: 'Write an internal note' },
  { keys: '↑ / ↓', describe: 'Move through the conversation list' },
];
