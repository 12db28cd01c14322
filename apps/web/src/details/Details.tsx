import { Fragment, useState, type MouseEvent } from 'react';
import { setContact, upsertConversations } from '@switchboard/client';
import type { Contact, Conversation, Message } from '../types.ts';
import type { Directory } from '../stores/directory.ts';
import type { Update } from '../stores/conversations.ts';
import { api } from '../api.ts';
import { Avatar, CHANNELS, Chip, Modal, fullTime } from '../ui.tsx';
import { TrackingSection } from '../discuss/index.ts';
import { AttachmentsGallery } from './AttachmentsGallery.tsx';
import { CustomerHistory } from '../history/CustomerHistory.tsx';

interface Props {
  conversation: Conversation;
  contact: Contact | undefined;
  update: Update;
  dir: Directory;
  fail: (e: unknown) => void;
  /** The loaded history, for the attachments gallery. */
  messages?: Message[];
}

export function Details({ conversation: c, contact, update, dir, fail, messages = [] }: Props) {
  const [confirmUnpin, setConfirmUnpin] = useState(false);
  const [busy, setBusy] = useState(false);

  async function run<T>(fn: () => Promise<T>, apply: (v: T) => void) {
    setBusy(true);
    try {
      apply(await fn());
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  }
  const applyContact = (x: Contact) => update((s) => setContact(s, x));
  const applyConversation = (x: Conversation) => update((s) => upsertConversations(s, [x]));

  const summary = c.contact;
  const name = contact?.name ?? summary?.name ?? 'Unknown customer';
  const customerTags = contact?.tags ?? summary?.pinnedTags ?? [];
  const unusedCustomerTags = dir.customerTags.filter((t) => !customerTags.some((x) => x.id === t.id));
  const unusedConvTags = dir.conversationTags.filter((t) => !c.tags.some((x) => x.id === t.id));
  const queue = c.queueId;

  return (
    <aside className="details" aria-label="Contact details">
      {summary ? (
        <section className="card contact-card">
          <div className="contact-head">
            <Avatar name={name} size={44} />
            <div>
              <h2>{name}</h2>
              {(contact?.blocked ?? summary.blocked) && <span className="status-pill status-blocked">Blocked</span>}
            </div>
          </div>
          <dl className="props">
            <dt>Email</dt>
            <dd>{contact?.email ?? summary.email ?? <span className="muted">—</span>}</dd>
            <dt>Phone</dt>
            <dd>{contact?.phone ?? summary.phone ?? <span className="muted">—</span>}</dd>
            {contact &&
              Object.entries(contact.attributes).map(([k, v]) => (
                <Fragment key={k}>
                  <dt>{k}</dt>
                  <dd>{v}</dd>
                </Fragment>
              ))}
            {contact?.source.pageUrl && (
              <>
                <dt>Came from</dt>
                <dd className="ellipsis" title={contact.source.pageUrl}>
                  {contact.source.pageUrl}
                </dd>
              </>
            )}
          </dl>
          <h3>Customer tags</h3>
          <div className="chips">
            {customerTags.map((t) => (
              <span key={t.id} className="chip-group">
                <Chip name={t.name} color={t.color} onRemove={contact ? () => void run(() => api.removeContactTag(contact.id, t.id), applyContact) : undefined} removeLabel={`Remove customer tag ${t.name}`} />
                {contact && (
                  <button
                    type="button"
                    className={`pin${t.pinned ? ' pinned' : ''}`}
                    aria-pressed={t.pinned}
                    aria-label={t.pinned ? `Unpin tag ${t.name}` : `Pin tag ${t.name}`}
                    title={t.pinned ? 'Pinned: shown in the list' : 'Pin: show in the list'}
                    onClick={() => void run(() => api.setContactTag(contact.id, t.id, !t.pinned), applyContact)}
                  >
                    <svg width="13" height="13" viewBox="0 0 24 24" fill={t.pinned ? 'currentColor' : 'none'} stroke="currentColor" strokeWidth="2" strokeLinejoin="round" aria-hidden="true">
                      <path d="M9 3h6l-1 6 4 4H6l4-4zM12 13v8" />
                    </svg>
                  </button>
                )}
              </span>
            ))}
            {!customerTags.length && <span className="muted">No tags</span>}
          </div>
          {contact && unusedCustomerTags.length > 0 && (
            <div className="add"><select aria-label="Add a customer tag" value="" disabled={busy} onChange={(e) => e.target.value && void run(() => api.setContactTag(contact.id, Number(e.target.value)), applyContact)}>
                <option value="">+ Add customer tag</option>
                {unusedCustomerTags.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
              </select>
            </div>
          )}
          <div className="row-actions">
            {contact?.blocked ?? summary.blocked ? (
              <button className="btn" disabled={busy} onClick={() => void run(() => api.unblockContact(summary.id), applyContact)}>
                Unblock customer
              </button>
            ) : (
              <button className="btn danger" disabled={busy} onClick={() => void run(() => api.blockContact(summary.id), applyContact)}>
                Block customer
              </button>
            )}
            <button className="btn" disabled={busy} onClick={() => setConfirmUnpin(true)}>
              Unpin customer
            </button>
          </div>
        </section>
      ) : (
        <section className="card">
          <h2>No customer linked</h2>
          <p className="muted">The customer was unpinned from this conversation.</p>
        </section>
      )}

      <section className="card">
        <h3>Labels</h3>
        <div className="chips" role="group" aria-label="Labels">
          {dir.labels.map((l) => {
            const on = c.labels.some((x) => x.id === l.id);
            return (
              <button
                key={l.id}
                type="button"
                className={`label-toggle${on ? ' on' : ''}`}
                style={{ ['--chip' as string]: l.color }}
                aria-pressed={on}
                disabled={busy}
                onClick={() => {
                  const ids = on ? c.labels.filter((x) => x.id !== l.id).map((x) => x.id) : [...c.labels.map((x) => x.id), l.id];
                  void run(() => api.updateConversation(c.id, { labelIds: ids }), applyConversation);
                }}
              >
                {l.name}
              </button>
            );
          })}
        </div>
        <h3>Conversation tags</h3>
        <div className="chips">
          {c.tags.map((t) => (
            <Chip
              key={t.id}
              name={t.name}
              color={t.color}
              removeLabel={`Remove conversation tag ${t.name}`}
              onRemove={() => void run(() => api.updateConversation(c.id, { tagIds: c.tags.filter((x) => x.id !== t.id).map((x) => x.id) }), applyConversation)}
            />
          ))}
          {!c.tags.length && <span className="muted">No tags</span>}
        </div>
        {unusedConvTags.length > 0 && (
          <div className="add"><select aria-label="Add a conversation tag"
              value=""
              disabled={busy}
              onChange={(e) => e.target.value && void run(() => api.updateConversation(c.id, { tagIds: [...c.tags.map((x) => x.id), Number(e.target.value)] }), applyConversation)}
            >
              <option value="">+ Add conversation tag</option>
              {unusedConvTags.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </div>
        )}
      </section>

      <section className="card">
        <h3>Conversation</h3>
        <dl className="props">
          <dt>Channel</dt>
          <dd>{CHANNELS[c.channel]?.name ?? c.channel}</dd>
          <dt>Priority</dt>
          <dd className={`priority-${c.priority}`}>{c.priority}</dd>
          <dt>Started</dt>
          <dd>{fullTime(c.createdAt)}</dd>
          {queue !== null && (
            <>
              <dt>Queue</dt>
              <dd>{dir.queues.find((q) => q.id === queue)?.name ?? `#${queue}`}</dd>
            </>
          )}
          {c.resolutionNote && (
            <>
              <dt>Resolution</dt>
              <dd>{c.resolutionNote}</dd>
            </>
          )}
          {c.previousConversationId && (
            <>
              <dt>Follows</dt>
              <dd>
                <a href={`/conversations/${c.previousConversationId}`} onClick={followLink} aria-label={`Open the previous conversation #${c.previousConversationId}`}>
                  #{c.previousConversationId}
                </a>
              </dd>
            </>
          )}
        </dl>
      </section>

      {summary && <CustomerHistory contactId={summary.id} conversationId={c.id} status={c.status} />}

      <AttachmentsGallery conversationId={c.id} messages={messages} update={update} fail={fail} />

      {confirmUnpin && summary && (
        <Modal
          title="Unpin this customer?"
          onClose={() => setConfirmUnpin(false)}
          footer={
            <>
              <button className="btn" onClick={() => setConfirmUnpin(false)}>
                Cancel
              </button>
              <button
                className="btn danger"
                disabled={busy}
                onClick={() =>
                  void run(() => api.unpinCustomer(c.id), (x) => {
                    applyConversation(x);
                    setConfirmUnpin(false);
                  })
                }
              >
                Unpin customer
              </button>
            </>
          }
        >
          <p>
            The link between this conversation and <strong>{name}</strong> is removed. The customer stays in the system, and their analytics leave this
            conversation.
          </p>
        </Modal>
      )}
      <TrackingSection conversationId={c.id} />
    </aside>
  );
}

/** Opens a conversation link in place: the workspace follows the address (popstate), as Back does. */
function followLink(e: MouseEvent<HTMLAnchorElement>) {
  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  window.history.pushState({}, '', e.currentTarget.getAttribute('href'));
  window.dispatchEvent(new PopStateEvent('popstate'));
}
