import { useCallback, useEffect, useRef } from 'react';
import { api } from '../api.ts';

/** How often "typing" is said again while the agent keeps typing, and when silence means "stopped". */
const TYPING_REPEAT_MS = 3000;
const TYPING_IDLE_MS = 4000;

/**
 * The typing indicator the customer sees: said when typing a reply (never a note), repeated while it
 * goes on, and "stopped" after a pause, on sending, on switching to a note, and on leaving.
 */
export function useTypingSignal(conversationId: number, blocked: boolean, internal: boolean) {
  const typingSince = useRef(0);
  const typingIdle = useRef<ReturnType<typeof setTimeout> | null>(null);
  const stopTyping = useCallback(() => {
    if (typingIdle.current) clearTimeout(typingIdle.current);
    typingIdle.current = null;
    if (!typingSince.current) return;
    typingSince.current = 0;
    api.typing(conversationId, false).catch(() => {});
  }, [conversationId]);
  const typed = (body: string, note: boolean) => {
    if (note || blocked || body.trim() === '') {
      stopTyping();
      return;
    }
    const now = Date.now();
    if (now - typingSince.current >= TYPING_REPEAT_MS) {
      typingSince.current = now;
      api.typing(conversationId, true).catch(() => {});
    }
    if (typingIdle.current) clearTimeout(typingIdle.current);
    typingIdle.current = setTimeout(stopTyping, TYPING_IDLE_MS);
  };
  useEffect(() => () => stopTyping(), [stopTyping]);
  useEffect(() => {
    if (internal) stopTyping();
  }, [internal, stopTyping]);
  return { typed, stopTyping };
}
