import { Preferences, type Profile } from '@switchboard/protocol';
import { AppError, notFound } from '../errors.ts';
import type { Db } from '../store/db.ts';
import { findUser, type UserRow } from '../store/users.ts';
import { runAction, type ActionContext } from './context.ts';
import { directoryChanged } from './directory.ts';
import { avatarUrlOf } from '../presenters/users.ts';

/** Images a browser shows safely as an <img>; SVG is left out (it can carry script). */
export const AVATAR_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
export const AVATAR_MAX_BYTES = 512 * 1024;

/** Stored preferences read leniently: a field missing (or from an older shape) takes its default. */
export function preferencesOf(row: Pick<UserRow, 'preferences'>): Preferences {
  let raw: unknown = {};
  try {
    raw = JSON.parse(row.preferences || '{}');
  } catch {
    raw = {};
  }
  const parsed = Preferences.safeParse(raw);
  return parsed.success ? parsed.data : Preferences.parse({});
}

export function presentProfile(row: UserRow): Profile {
  return { id: row.id, name: row.name, email: row.email, avatarUrl: avatarUrlOf(row), preferences: preferencesOf(row) };
}

export async function loadProfile(db: Db, userId: number): Promise<Profile> {
  const row = await findUser(db, userId);
  if (!row) throw notFound('user');
  return presentProfile(row);
}

/** The user renames themself or changes alert preferences; colleagues' directories follow (the name shows in theirs). */
export async function updateProfile(ctx: ActionContext, userId: number, patch: { name?: string; preferences?: Partial<Preferences> }): Promise<Profile> {
  const now = ctx.clock.now();
  return runAction(ctx, async (tx, emit) => {
    const row = await findUser(tx, userId);
    if (!row) throw notFound('user');
    const set: { name?: string; preferences?: string } = {};
    if (patch.name !== undefined && patch.name !== row.name) set.name = patch.name;
    if (patch.preferences) set.preferences = JSON.stringify({ ...preferencesOf(row), ...patch.preferences });
    if (Object.keys(set).length) await tx.updateTable('users').set(set).where('id', '=', userId).execute();
    if (set.name !== undefined) emit(directoryChanged('user', userId, false, userId, now));
    return presentProfile((await findUser(tx, userId))!);
  });
}

/** Replaces the user's avatar; the caller has sniffed the type from the bytes. */
export async function setAvatar(ctx: ActionContext, userId: number, contentType: string, bytes: Buffer): Promise<Profile> {
  if (!AVATAR_TYPES.has(contentType)) throw new AppError('avatar_not_image', 'Choose a PNG, JPEG, GIF or WebP picture.', 422);
  if (bytes.length > AVATAR_MAX_BYTES) throw new AppError('avatar_too_large', 'The picture is larger than 512 KB; choose a smaller one.', 413);
  const now = ctx.clock.now();
  return runAction(ctx, async (tx, emit) => {
    const data = bytes.toString('base64');
    await tx
      .insertInto('user_avatars')
      .values({ user_id: userId, content_type: contentType, data, updated_at: now })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ content_type: contentType, data, updated_at: now }))
      .execute();
    await tx.updateTable('users').set({ avatar_at: now }).where('id', '=', userId).execute();
    emit(directoryChanged('user', userId, false, userId, now));
    return presentProfile((await findUser(tx, userId))!);
  });
}

export async function removeAvatar(ctx: ActionContext, userId: number): Promise<Profile> {
  const now = ctx.clock.now();
  return runAction(ctx, async (tx, emit) => {
    await tx.deleteFrom('user_avatars').where('user_id', '=', userId).execute();
    await tx.updateTable('users').set({ avatar_at: null }).where('id', '=', userId).execute();
    emit(directoryChanged('user', userId, false, userId, now));
    return presentProfile((await findUser(tx, userId))!);
  });
}

/** Any signed-in colleague may see a user's avatar (it shows beside their name). */
export async function avatarOf(db: Db, userId: number): Promise<{ contentType: string; bytes: Buffer; updatedAt: number }> {
  const row = await db.selectFrom('user_avatars').selectAll().where('user_id', '=', userId).executeTakeFirst();
  if (!row) throw notFound('avatar');
  return { contentType: row.content_type, bytes: Buffer.from(row.data, 'base64'), updatedAt: Number(row.updated_at) };
}

