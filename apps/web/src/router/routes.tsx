import type { ReactNode } from 'react';
import type { User } from '../types.ts';
import type { Ability } from '../stores/settings.ts';
import { AdminScreen } from '../admin/route.tsx';
import { ReportsRoute } from '../reports/route.tsx';
import { TicketsRoute } from '../tickets/route.tsx';
import { ProfileRoute } from '../profile/route.tsx';
import { matchPath } from './router.ts';

export interface ScreenContext {
  me: User;
  abilities: Ability[];
}

/**
 * The screens beside the conversations, one entry each: its address, its header button and who may
 * open it. A new screen is its folder plus one entry here; the header and the page follow.
 */
export interface Screen {
  name: string;
  /** The address pattern (`:param`, a trailing `?` marks an optional one). */
  path: string;
  /** The header button that opens it. */
  label: (ctx: ScreenContext) => string;
  allowed: (ctx: ScreenContext) => boolean;
  /** false: no header button of its own (the profile opens from the user's name). */
  inHeader?: boolean;
  render: (params: Record<string, string>) => ReactNode;
}

export const SCREENS: Screen[] = [
  {
    name: 'tickets',
    // `/tickets/sessions` is the chat-session search; any other second part is a ticket id.
    path: '/tickets/:id?',
    label: () => 'Tickets',
    allowed: () => true,
    render: () => <TicketsRoute />,
  },
  {
    name: 'profile',
    path: '/profile',
    label: () => 'Your profile',
    allowed: () => true,
    inHeader: false,
    render: () => <ProfileRoute />,
  },
  {
    name: 'reports',
    path: '/reports',
    label: () => 'Reports',
    allowed: ({ abilities }) => abilities.includes('viewReports'),
    render: () => <ReportsRoute />,
  },
  {
    name: 'admin',
    path: '/admin/:section?',
    // Supervisors see the agents' status and load here, administrators everything.
    label: ({ abilities }) => (abilities.includes('administer') ? 'Admin' : 'Agents'),
    allowed: ({ me, abilities }) => abilities.includes('administer') || me.role === 'supervisor',
    render: (params) => <AdminScreen section={params.section} />,
  },
];

/** The screen at `pathname` that this user may open (else the conversations show). */
export function screenAt(pathname: string, ctx: ScreenContext): { screen: Screen; params: Record<string, string> } | null {
  for (const screen of SCREENS) {
    const params = matchPath(screen.path, pathname);
    if (params && screen.allowed(ctx)) return { screen, params };
  }
  return null;
}

/** The base address of a screen (its pattern without parameters). */
export function screenPath(screen: Screen): string {
  return screen.path.split('/:')[0]!;
}
