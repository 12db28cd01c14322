import { useMemo } from 'react';
import type { ConversationFilters } from '../types.ts';
import { PICK_PARAM, filtersFromSearch, searchOf } from './filtersUrl.ts';
import { currentLocation, matchPath, navigate, useLocation, type Location } from './router.ts';

/**
 * The conversations' addresses: `/` or `/conversations/:id`, with the list's tab and filters in the
 * query, so the open conversation and the list both survive a reload and can be shared.
 */
export interface WorkRoute {
  /** The list shows (no other screen is at this address). */
  isWork: boolean;
  openId: number | null;
  filters: ConversationFilters;
  /** The pick list tab is chosen (seed 001). */
  picking: boolean;
}

function parse(loc: Location): WorkRoute {
  const open = matchPath('/conversations/:id', loc.pathname);
  const id = open ? Number(open.id) : NaN;
  return {
    isWork: loc.pathname === '/' || open !== null,
    openId: Number.isInteger(id) && id > 0 ? id : null,
    filters: filtersFromSearch(loc.search),
    picking: new URLSearchParams(loc.search).get(PICK_PARAM) === 'pick',
  };
}

export function useWorkRoute(): WorkRoute {
  const loc = useLocation();
  // The same query keeps the same filters object: opening or closing a conversation changes the path
  // only, and must neither reload the list nor send it back to its top (the list starts a new answer
  // at the top whenever its filters change).
  const filters = useMemo(() => filtersFromSearch(loc.search), [loc.search]);
  return useMemo(() => ({ ...parse(loc), filters }), [loc, filters]);
}

let lastWork: Location = { pathname: '/', search: '' };
/** Where "Back to conversations" goes: the list as it was left (tab, filters, open conversation). */
export function rememberWork(loc: Location): void {
  if (parse(loc).isWork) lastWork = loc;
}
export const lastWorkUrl = () => lastWork.pathname + lastWork.search;

function work(): WorkRoute {
  const loc = currentLocation();
  return parse(parse(loc).isWork ? loc : lastWork);
}

const pathOf = (id: number | null) => (id === null ? '/' : `/conversations/${id}`);

/** Opens (or with null closes) a conversation, keeping the list's tab and filters. */
export function openConversationAt(id: number | null, opts: { replace?: boolean; filters?: ConversationFilters } = {}): void {
  const w = work();
  const filters = opts.filters ?? w.filters;
  navigate(pathOf(id) + searchOf(filters, { [PICK_PARAM]: opts.filters ? undefined : w.picking ? 'pick' : undefined }), { replace: opts.replace });
}

/** New filters for the list; a tab change is a Back step, typing in a search or a filter is not. */
export function setListFilters(filters: ConversationFilters, opts: { picking?: boolean } = {}): void {
  const w = work();
  const picking = opts.picking ?? w.picking;
  const tabChanged = (filters.view ?? 'all') !== (w.filters.view ?? 'all') || picking !== w.picking;
  navigate(pathOf(w.openId) + searchOf(filters, { [PICK_PARAM]: picking ? 'pick' : undefined }), { replace: !tabChanged });
}

/** The list's filters now (the stream's refetch after a gap asks for them). */
export const currentWorkFilters = (): ConversationFilters => work().filters;
