import { useEffect, useState } from 'react';
import type { SensitiveFinding } from '@switchboard/client';
import { api } from '../api.ts';

export interface SensitiveCheck {
  text: string;
  findings: SensitiveFinding[];
}

/** Seed 001: a reply is checked for sensitive data a moment after typing stops; internal notes never reach customers. */
export function useSensitiveCheck(text: string, internal: boolean) {
  const [check, setCheck] = useState<SensitiveCheck>({ text: '', findings: [] });
  useEffect(() => {
    if (internal || text.trim() === '') {
      setCheck({ text, findings: [] });
      return;
    }
    if (check.text === text) return;
    const t = setTimeout(() => {
      api.checkSensitive(text).then((r) => setCheck({ text, findings: r.findings }), () => {});
    }, 300);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text, internal]);
  return [check, setCheck] as const;
}
