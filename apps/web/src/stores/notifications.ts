import { ApiError } from '@switchboard/client';
import { messageOf } from '../api.ts';
import { createStore, useStore } from './store.ts';

export interface Toast {
  id: number;
  text: string;
  kind: 'error' | 'info';
}

/** One alert in the header's notification centre. */
export interface Notice {
  id: number;
  kind: 'offer' | 'message' | 'request';
  title: string;
  body: string;
  conversationId: number;
  at: number;
}

/** Toasts on screen (at most three, five seconds each) and this session's notices (newest first, at most 50). */
export interface NotificationsState {
  toasts: Toast[];
  notices: Notice[];
  /** The newest notice id the user has looked at (the centre's badge counts the rest). */
  seen: number;
}
export const notifications = createStore<NotificationsState>(() => ({ toasts: [], notices: [], seen: 0 }));
export const useToasts = () => useStore(notifications, (s) => s.toasts);
export const useNotices = () => useStore(notifications, (s) => s.notices);
export const useSeenNotice = () => useStore(notifications, (s) => s.seen);

export function toast(text: string, kind: Toast['kind'] = 'error'): void {
  const id = Math.random();
  notifications.set((s) => ({ ...s, toasts: [...s.toasts.slice(-2), { id, text, kind }] }));
  setTimeout(() => notifications.set((s) => ({ ...s, toasts: s.toasts.filter((x) => x.id !== id) })), 5000);
}

/** An API error as a toast; a 401 says nothing (the session ended and the sign-in page follows). */
export function fail(e: unknown): void {
  if (e instanceof ApiError && e.status === 401) return;
  toast(messageOf(e));
}

let noticeSeq = 0;
export function remember(n: Omit<Notice, 'id' | 'at'>): void {
  const id = ++noticeSeq;
  notifications.set((s) => ({ ...s, notices: [{ ...n, id, at: Date.now() }, ...s.notices].slice(0, 50) }));
}
export function markNoticesSeen(): void {
  notifications.set((s) => ({ ...s, seen: noticeSeq }));
}
export function clearNotices(): void {
  notifications.set((s) => ({ ...s, notices: [] }));
}
