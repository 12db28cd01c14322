import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { ServerFrame, VisitorServerFrame } from '@switchboard/protocol';

/**
 * Every frame a test receives from a stream is checked against its schema in packages/protocol, as
 * Zulip's `verify_action` does: a frame that does not parse, or that parses into something else than
 * what was sent (a field the schema does not name, a string where a number belongs), is a contract
 * break. The test that received it fails (`next` rejects, and an afterEach hook fails the test),
 * whatever it was asserting.
 */
export type StreamKind = 'agent' | 'visitor';

const SCHEMAS = { agent: ServerFrame, visitor: VisitorServerFrame } as const;

/** The stream a URL opens. */
export function streamKindOf(url: string): StreamKind {
  return new URL(url).pathname === '/api/v1/widget/stream' ? 'visitor' : 'agent';
}

/** Why a received frame breaks the contract, or null when it matches exactly. */
export function frameProblem(kind: StreamKind, frame: unknown): string | null {
  const r = SCHEMAS[kind].safeParse(frame);
  const type = typeof frame === 'object' && frame && 'type' in frame ? String(frame.type) : '?';
  if (!r.success) return `${kind} stream frame "${type}" does not match its schema:\n${z.prettifyError(r.error)}\n${JSON.stringify(frame)}`;
  if (!isDeepStrictEqual(r.data, frame)) {
    return `${kind} stream frame "${type}" has fields its schema does not name (or of another type):\nsent   ${JSON.stringify(frame)}\nschema ${JSON.stringify(r.data)}`;
  }
  return null;
}

/** Contract breaks seen since the current test began. */
const problems: string[] = [];

/** Checks a received frame; a problem is kept for the afterEach hook and returned. */
export function verifyFrame(kind: StreamKind, frame: unknown): string | null {
  const p = frameProblem(kind, frame);
  if (p) problems.push(p);
  return p;
}

// Under Vitest (not in the screenshot scripts that reuse the harness), each test fails on a bad frame
// it received, even one it never looked at.
if (process.env.VITEST) {
  const { afterEach } = await import('vitest');
  afterEach(() => {
    const seen = problems.splice(0);
    if (seen.length) throw new Error(`${seen.length} stream frame(s) broke the contract (packages/protocol/src/stream.ts):\n\n${seen.join('\n\n')}`);
  });
}
