import { newFileKey, storeUpload } from '../store/files.ts';
import { AppError } from '../errors.ts';
import { CHANNEL_NAMES, CLASS_NAMES, classOf, limitsFor, sizeText } from '../attachments/limits.ts';
import { sniffContentType } from '../attachments/sniff.ts';
import { loadWidgetSettings } from './visitors.ts';
import { runAction, type ActionContext } from './context.ts';

export interface StoredUpload {
  /** The file's unguessable key: its download URL. */
  key: string;
  name: string;
  contentType: string;
  size: number;
}

/**
 * A file the widget's visitor uploads, kept until they send it with a message. The type comes from
 * the bytes (the declared one is only what the visitor's browser guessed); the web chat channel's
 * limits (administration, Channels) and the widget's own types and cap all hold.
 */
export async function storeVisitorUpload(ctx: ActionContext, contactId: number, name: string, data: Buffer): Promise<StoredUpload> {
  const db = ctx.store.db;
  const settings = await loadWidgetSettings(db);
  if (!data.length) throw new AppError('validation_failed', 'The file is empty.', 400);
  const type = await sniffContentType(data);
  if (!settings.attachmentTypes.includes(type)) throw new AppError('attachment_type_not_allowed', `Files of type ${type} cannot be sent here.`, 422, { allowed: settings.attachmentTypes });
  const web = await limitsFor(db, 'web');
  const kind = classOf(type);
  if (!web[kind].allowed) throw new AppError('attachment_type_not_allowed', `${CLASS_NAMES[kind]} cannot be sent on ${CHANNEL_NAMES.web}.`, 422, { kind });
  if (data.length > web[kind].maxBytes) {
    throw new AppError('attachment_too_large', `${CLASS_NAMES[kind]} sent on ${CHANNEL_NAMES.web} can be at most ${sizeText(web[kind].maxBytes)}; this one is ${sizeText(data.length)}.`, 413, { limit: web[kind].maxBytes, size: data.length, kind });
  }
  if (data.length > settings.maxAttachmentBytes) throw new AppError('attachment_too_large', `Files may be at most ${Math.round(settings.maxAttachmentBytes / 1024)} KB.`, 413);
  const key = newFileKey();
  const now = ctx.clock.now();
  await runAction(ctx, async (tx) => {
    await storeUpload(tx, { key, name, contentType: type, data, contactId, now });
  });
  return { key, name, contentType: type, size: data.length };
}
