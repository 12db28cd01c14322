import type { ConversationFilters } from '../types.ts';

/** The list's filters in the address: `?view=mine&status=queued&q=refund`, arrays comma-separated. */
type Kind = 'string' | 'strings' | 'ids' | 'flag' | 'bool' | 'number';
const FIELDS: Record<string, Kind> = {
  view: 'string',
  q: 'string',
  status: 'strings',
  channel: 'strings',
  queueId: 'ids',
  assigneeId: 'ids',
  labelId: 'ids',
  tagId: 'ids',
  customerTagId: 'ids',
  noCustomerTags: 'flag',
  pinnedCustomerTags: 'flag',
  unread: 'flag',
  bot: 'bool',
  since: 'number',
  until: 'number',
  sort: 'string',
};

/** The pick list tab (seed 001) is not a server view: `?tab=pick` beside the view it leaves. */
export const PICK_PARAM = 'tab';

export function filtersFromSearch(search: string): ConversationFilters {
  const params = new URLSearchParams(search);
  const out: Record<string, unknown> = {};
  for (const [key, kind] of Object.entries(FIELDS)) {
    const raw = params.get(key);
    if (raw === null || raw === '') continue;
    if (kind === 'string') out[key] = raw;
    else if (kind === 'strings') out[key] = raw.split(',').filter(Boolean);
    else if (kind === 'ids') {
      const ids = raw.split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
      if (ids.length) out[key] = ids;
    } else if (kind === 'flag') out[key] = raw === '1' || raw === 'true' ? true : undefined;
    else if (kind === 'bool') out[key] = raw === 'true' ? true : raw === 'false' ? false : undefined;
    else if (Number.isFinite(Number(raw))) out[key] = Number(raw);
  }
  // The server answers an unknown value with a 400 and the list says so: the address cannot break the page.
  return (out.view === undefined ? { ...out, view: 'all' } : out) as ConversationFilters;
}

export function searchOf(filters: ConversationFilters, extra: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [key, kind] of Object.entries(FIELDS)) {
    const v = (filters as Record<string, unknown>)[key];
    if (v === undefined || v === null || v === '') continue;
    if (key === 'view' && v === 'all') continue;
    if (Array.isArray(v)) {
      if (v.length) params.set(key, v.join(','));
    } else if (kind === 'flag') {
      if (v) params.set(key, '1');
    } else params.set(key, String(v));
  }
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : '';
}
