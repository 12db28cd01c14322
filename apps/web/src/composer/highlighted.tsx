import type { ReactNode } from 'react';
import type { SensitiveFinding } from '@switchboard/client';

/** The text with each finding wrapped in <mark>, for the layer behind the textarea. */
export function highlighted(text: string, findings: SensitiveFinding[]): ReactNode[] {
  const out: ReactNode[] = [];
  let at = 0;
  for (const f of findings) {
    if (f.start < at || f.end > text.length) continue;
    out.push(text.slice(at, f.start));
    out.push(
      <mark key={f.start} className="sensitive-mark">
        {text.slice(f.start, f.end)}
      </mark>,
    );
    at = f.end;
  }
  out.push(text.slice(at) + '\n');
  return out;
}
