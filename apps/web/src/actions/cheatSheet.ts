import { CONVERSATION_ACTIONS, ROW_ACTIONS } from './conversation.ts';
import { LOCAL_KEYS, WORKSPACE_ACTIONS } from './workspace.ts';

/** The cheat sheet's rows, from the registries (so it lists exactly the keys that are bound). */
export function cheatSheetRows(): Array<[string, string]> {
  const bound = [...CONVERSATION_ACTIONS, ...ROW_ACTIONS, ...WORKSPACE_ACTIONS].filter((a) => a.shortcut && a.describe) as Array<{ shortcut: { label: string }; describe: string }>;
  const local = LOCAL_KEYS.map((k): [string, string] => [k.keys, k.describe]);
  return [...local.slice(0, 3), ...bound.filter((a) => a.shortcut.label.startsWith('Alt')).map((a): [string, string] => [a.shortcut.label, a.describe]), ...local.slice(3), ...bound.filter((a) => !a.shortcut.label.startsWith('Alt')).map((a): [string, string] => [a.shortcut.label, a.describe])];
}
