import { z } from 'zod';
import { Label, Tag } from './conversations.ts';

/** Administration of the workspace's tags and workflow labels. */
export const TagKind = z.enum(['customer', 'conversation']);
export const TagWithKind = Tag.extend({ kind: TagKind }).meta({ id: 'TagWithKind' });
export type TagWithKind = z.infer<typeof TagWithKind>;

/** A label as the label list shows it: the four built-ins of seed 004 can be renamed but not deleted. */
export const LabelDefinition = Label.extend({ builtin: z.boolean() }).meta({ id: 'LabelDefinition' });
export type LabelDefinition = z.infer<typeof LabelDefinition>;

const Color = z.string().regex(/^#[0-9a-fA-F]{6}$/);
const Name = z.string().trim().min(1).max(60);

export const CreateTagRequest = z.object({ kind: TagKind, name: Name, color: Color.default('#64748b') });
export const CreateLabelRequest = z.object({ name: Name, color: Color.default('#f59e0b') });

const nonEmpty = (b: Record<string, unknown>) => Object.values(b).some((v) => v !== undefined);
export const UpdateTagRequest = z.object({ name: Name.optional(), color: Color.optional() }).refine(nonEmpty, { message: 'Nothing to change.' });
export const UpdateLabelRequest = z.object({ name: Name.optional(), color: Color.optional() }).refine(nonEmpty, { message: 'Nothing to change.' });

/** `directory.changed`: a tag, label or user was changed or deleted; workspaces refetch what shows it. */
export const DirectoryChanged = z.object({ kind: z.enum(['tag', 'label', 'user', 'inbox', 'group']), id: z.number().int(), deleted: z.boolean() });
export type DirectoryChanged = z.infer<typeof DirectoryChanged>;
