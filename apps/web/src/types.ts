import type { z } from 'zod';
import type * as P from '@switchboard/protocol';

export type { Conversation, Message, Contact, User, ConversationFilters, Label, LabelDefinition, TagWithKind } from '@switchboard/client';
export type Channel = P.Channel;
export type ConversationStatus = P.ConversationStatus;
export type DeliveryStatus = z.infer<typeof P.DeliveryStatus>;
