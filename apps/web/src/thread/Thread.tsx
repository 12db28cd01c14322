import { useState } from 'react';
import type { Conversation, Message } from '../types.ts';
import { update, useContact } from '../stores/conversations.ts';
import { useThread, useTypingUntil } from '../stores/messages.ts';
import { useDirectory } from '../stores/directory.ts';
import { fail, toast } from '../stores/notifications.ts';
import { useAbilities } from '../stores/settings.ts';
import { ConsultantNotice, useConsulting } from '../discuss/index.ts';
import { Composer } from '../composer/Composer.tsx';
import { ThreadHeader } from './ThreadHeader.tsx';
import { ChatRequestBanner } from './ChatRequestBanner.tsx';
import { History } from './History.tsx';
import { TypingIndicator } from './TypingIndicator.tsx';
import { QuickReplyDialog } from './QuickReplyDialog.tsx';
import { authorOf, excerptOf } from './authors.ts';
import './thread.css';

/** The open conversation: its header and actions, the history, who is typing, and the composer. */
export function Thread({ conversation: c }: { conversation: Conversation }) {
  const name = c.contact?.name ?? 'Unknown customer';
  const dir = useDirectory();
  const contact = useContact(c.contact?.id ?? null);
  const thread = useThread(c.id);
  const typingUntil = useTypingUntil(c.id);
  const [quote, setQuote] = useState<Message | null>(null);
  const [quick, setQuick] = useState<Message | null>(null);
  const consulting = useConsulting(c.id, c.assigneeId);
  const mayManageCanned = useAbilities().includes('manageCannedMessages');
  return (
    <section className="thread" aria-label={`Conversation with ${name}`}>
      <ThreadHeader c={c} name={name} dir={dir} />
      <ChatRequestBanner c={c} />
      <History c={c} thread={thread} update={update} dir={dir} onQuote={setQuote} onQuickReply={setQuick} />
      <TypingIndicator name={name} until={typingUntil} />
      {consulting ? (
        <ConsultantNotice initiatorName={consulting.initiator.name} />
      ) : (
        <Composer c={c} contact={contact} agentName={dir.me.name} update={update} fail={fail} quote={quote ? { id: quote.id, who: authorOf(quote, c), excerpt: excerptOf(quote) } : null} clearQuote={() => setQuote(null)} />
      )}
      {quick && <QuickReplyDialog m={quick} admin={mayManageCanned} onClose={() => setQuick(null)} fail={fail} toast={toast} />}
    </section>
  );
}
