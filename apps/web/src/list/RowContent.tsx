import type { Conversation } from '../types.ts';
import { Avatar, Badge, CHANNELS, ChannelIcon, relativeTime } from '../ui.tsx';
import { STATUS_NAMES } from './statusNames.ts';
import { preview } from './preview.ts';

/** What a list row shows: who, when, where from, the last words, labels and pinned tags, unread. */
/** `bot`: an agent bot holds the conversation (a Bot badge). */
export function RowContent({ c, unread: n, meId, now, bot }: { c: Conversation; unread: number; meId: number; now: number; bot: boolean }) {
  const p = preview(c, meId);
  const name = c.contact?.name ?? 'Unknown customer';
  return (
    <>
    <Avatar name={name} />
    <span className="conv-main">
      <span className="conv-top">
        <span className="conv-name">{name}</span>
        <time className="conv-time" dateTime={new Date(c.lastActivityAt).toISOString()} title={new Date(c.lastActivityAt).toLocaleString()}>
          {relativeTime(c.lastActivityAt, now)}
        </time>
      </span>
      <span className="conv-channel">
        <ChannelIcon channel={c.channel} />
        {/* Seed 002: the channel's name as configured for the integration (the inbox), else the channel's. */}
        <span className="conv-inbox" title={CHANNELS[c.channel]?.name ?? c.channel}>{c.inbox?.name ?? CHANNELS[c.channel]?.name ?? c.channel}</span>
        {c.channel === 'email' && c.subject && <span className="conv-subject" title={c.subject}>{c.subject}</span>}
        {c.status !== 'active' && <span className={`status-pill status-${c.status}`}>{STATUS_NAMES[c.status]}</span>}
        {bot && <span className="status-pill bot-badge" title="A bot holds this conversation">Bot</span>}
      </span>
      <span className={`conv-preview preview-${p.kind}`}>
        {p.prefix && <span className="preview-prefix">{p.prefix} </span>}
        {p.text}
      </span>
      {(c.labels.length > 0 || (c.contact?.pinnedTags.length ?? 0) > 0) && (
        <span className="conv-labels">
          {c.labels.map((l) => (
            <span key={`l${l.id}`} className="mini-label" style={{ ['--chip' as string]: l.color }}>
              {l.name}
            </span>
          ))}
          {c.contact?.pinnedTags.map((t) => (
            <span key={`t${t.id}`} className="mini-label tag" style={{ ['--chip' as string]: t.color }}>
              {t.name}
            </span>
          ))}
        </span>
      )}
    </span>
    {(n > 0 || c.markedUnread) && (
      <span className="conv-badge">
        {n > 0 ? <Badge count={n} label={`${n} unread`} /> : <span className="dot" aria-label="Marked unread" title="Marked unread" />}
      </span>
    )}
    </>
  );
}
