import { ServerFrame, VisitorServerFrame } from '@switchboard/protocol';
import { CLOSE_ABUSE, CLOSE_SLOW, DEFAULT_STREAM_LIMITS } from '../realtime/backpressure.ts';

/**
 * The streams' part of the OpenAPI document's description (served at /api/docs): OpenAPI has no
 * words for a WebSocket, so the protocol is told here and each frame's shape is a named schema
 * (`StreamFrame`, `VisitorStreamFrame` in components.schemas). The frame tables are built from the
 * schemas, so they list exactly the frames the server's tests hold it to. docs/streams.md says the same
 * at length.
 */
function frames(union: typeof ServerFrame | typeof VisitorServerFrame): string {
  const rows = union.options.map((o) => `| \`${o.shape.type.value}\` | ${'seq' in o.shape ? 'yes' : 'no'} | ${o.description ?? ''} |`);
  return ['| type | seq | what it says |', '| --- | --- | --- |', ...rows].join('\n');
}

export function streamReference(): string {
  return `
## Live streams (WebSocket)

Two WebSockets carry live frames, one JSON object per message. Full guide: \`docs/streams.md\` in the repository.

**Agents: \`/api/v1/stream\`.** Signs in like REST: the session cookie \`sb_session\` (only from the workspace's own origin), an \`Authorization: Bearer sbt_…\` header, or a one-time ticket from \`POST /api/v1/stream/ticket\` (good once, for 30 seconds) as \`/api/v1/stream?ticket=…\`. Never put a token in the URL.

**Customers: \`/api/v1/widget/stream?ticket=…\`.** The ticket comes from \`POST /api/v1/widget/stream-ticket\` with the visitor token (\`X-Visitor-Token\`, from \`POST /api/v1/widget/sessions\`). Only events about the customer's own conversations, in the customer's shapes (no internal notes, agents by first name).

**Protocol (both).** Send \`{"type":"hello","lastSeq":N}\` (omit \`lastSeq\` the first time). The server replays every event you may see after \`N\`, in order and once, then sends \`{"type":"ready","seq":S}\` and live frames. If \`N\` is older than the events it keeps, it sends \`{"type":"resync","seq":S}\` instead: refetch over REST, then continue. Remember the \`seq\` of the last frame you handled and send it in your next \`hello\`. Event frames are \`{seq, type, at, data}\`; signals (typing) are \`{type, at, data}\` with no \`seq\`: never replayed, they do not move your resume point. Send \`{"type":"ping"}\` every 25 seconds or so; the answer is \`{"type":"pong"}\`. The widget also sends \`{"type":"typing","conversationId":1,"typing":true}\`.

**Errors and closes.** \`{"type":"error","code","message"}\`: \`unauthorized\` (not signed in, or the sign-in ended: sign-out, token revoked, password changed, user deactivated; the socket then closes with **4401**: sign in again, do not retry), \`token_expired\` (an API token past its expiry; 4401), \`insufficient_scope\` (an API token without \`conversations:read\`; 4403), \`bad_frame\` (a frame the server does not understand; the socket stays open), \`not_found\` (widget: typing in a conversation that is not yours). Close **${CLOSE_SLOW}** (try again later): the socket fell behind (more than ${DEFAULT_STREAM_LIMITS.highWaterBytes / 1024 / 1024} MB waiting, or a replay page not read within ${DEFAULT_STREAM_LIMITS.stallMs / 1000} s) or the database does not answer: reconnect with \`hello {lastSeq}\` and lose nothing. Close **${CLOSE_ABUSE}** (policy violation): more than ${DEFAULT_STREAM_LIMITS.frameBurst} frames in a burst (${DEFAULT_STREAM_LIMITS.framesPerSecond} a second sustained). Close 1001: the server is shutting down; reconnect. Close 1011: the replay failed; reconnect.

### Agents' frames (schema \`StreamFrame\`)

${frames(ServerFrame)}

### Customers' frames (schema \`VisitorStreamFrame\`)

${frames(VisitorServerFrame)}
`;
}
