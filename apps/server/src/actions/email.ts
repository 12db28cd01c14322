import type { Insertable } from 'kysely';
import type { Db, Tx } from '../store/db.ts';
import type { EmailMessagesTable } from '../store/schema.ts';

/**
 * The email channel's own bookkeeping (issue 12), written here so `channels/email/` only reads
 * the store. The customer message itself is stored by `storeCustomerMessage` in the same
 * transaction as its `email_messages` row (channels/email/intake.ts); these are the rows beside it.
 */

/**
 * An email received or sent, by its Message-ID, unique per inbox: a second row for the same
 * Message-ID is dropped (a redelivery, or a send whose answer was lost), so callers may retry.
 */
export async function recordEmail(db: Db | Tx, row: Insertable<EmailMessagesTable>): Promise<void> {
  await db
    .insertInto('email_messages')
    .values(row)
    .onConflict((oc) => oc.columns(['inbox_id', 'rfc_message_id']).doNothing())
    .execute();
}

/** Where IMAP polling of an inbox stands: written only after the message of `lastUid` is stored. */
export async function recordImapPlace(db: Db, inboxId: number, uidValidity: string, lastUid: number, now: number): Promise<void> {
  await db
    .insertInto('imap_state')
    .values({ inbox_id: inboxId, uid_validity: uidValidity, last_uid: lastUid, updated_at: now })
    .onConflict((oc) => oc.column('inbox_id').doUpdateSet({ uid_validity: uidValidity, last_uid: lastUid, updated_at: now }))
    .execute();
}
