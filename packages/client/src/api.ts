import type { z } from 'zod';
import type * as P from '@switchboard/protocol';
import { ApiError, callApi, toQueryString, type Query } from './http.ts';

export { ApiError, toQueryString };

export type Me = P.Me;
export type User = P.User;
export type Conversation = P.Conversation;
export type ConversationCore = P.ConversationCore;
export type Message = P.Message;
export type Contact = P.Contact;
export type Queue = P.Queue;
export type ConversationListQuery = P.ConversationListQuery;
export type UnreadSummary = z.infer<typeof P.UnreadSummary>;
export type Label = z.infer<typeof P.Label>;
export type Tag = z.infer<typeof P.Tag>;
export type TagWithKind = P.TagWithKind;
export type LabelDefinition = P.LabelDefinition;
export type UpdateUserInput = z.input<typeof P.UpdateUserRequest>;
export type ConversationPage = z.infer<typeof P.ConversationList>;
export type MessagePage = { items: Message[]; hasMore: boolean };
export type PostMessageInput = z.input<typeof P.PostMessageRequest>;
export type UpdateConversationInput = z.infer<typeof P.UpdateConversationRequest>;
export type UpdateContactInput = z.input<typeof P.UpdateContactRequest>;
export type AgentStatus = z.infer<typeof P.AgentStatus>;
export type AgentPresence = P.AgentPresence;
export type Offer = P.Offer;
export type MyRouting = z.infer<typeof P.MyRouting>;
export type QueueCounts = P.QueueCounts;
export type QueueRouting = z.infer<typeof P.QueueRouting>;
export type UpdateQueueRoutingInput = z.input<typeof P.UpdateQueueRoutingRequest>;
export type CannedMessage = P.CannedMessage;
export type Inbox = P.Inbox;
export type InboxChannel = P.InboxChannel;
export type CreateInboxInput = z.input<typeof P.CreateInboxRequest>;
export type UpdateInboxInput = z.input<typeof P.UpdateInboxRequest>;
export type Webhook = P.Webhook;
export type WebhookWithSecret = P.WebhookWithSecret;
export type WebhookDelivery = P.WebhookDelivery;
export type WebhookEvent = P.WebhookEvent;
export type CreateWebhookInput = z.input<typeof P.CreateWebhookRequest>;
export type UpdateWebhookInput = z.input<typeof P.UpdateWebhookRequest>;
export type IntegrationToken = P.IntegrationToken;
export type CreatedIntegrationToken = z.infer<typeof P.CreatedIntegrationToken>;
export type CreateIntegrationTokenInput = z.input<typeof P.CreateIntegrationTokenRequest>;
export type Scope = P.Scope;
export type UserGroup = P.UserGroup;
export type GroupRight = P.GroupRight;
export type SaveUserGroupInput = z.input<typeof P.SaveUserGroupRequest>;
export type Bot = P.Bot;
export type BotWithSecrets = P.BotWithSecrets;
export type CreateBotInput = z.input<typeof P.CreateBotRequest>;
export type UpdateBotInput = z.input<typeof P.UpdateBotRequest>;
export type CannedMessageInput = z.input<typeof P.CannedMessageInput>;
export type CannedMessageCreate = z.input<typeof P.CannedMessageCreate>;
export type MessagingWindow = P.MessagingWindow;
export type ComposerRules = P.ComposerRules;
export type ComposerRulesView = P.ComposerRulesView;
export type SensitiveFinding = P.SensitiveFinding;
export type Attachment = z.infer<typeof P.Attachment>;
export type ChatRequestInfo = P.ChatRequestInfo;
export type EmailDetails = P.EmailDetails;
export type EmailOriginal = P.EmailOriginal;
export type EndSessionInput = z.input<typeof P.EndSessionRequest>;
/** Bytes per kind and channel; a kind the channel does not allow is left out. */
export type AttachmentLimits = Record<string, Partial<{ image: number; audio: number; video: number; file: number }>>;
export type ChannelSettings = P.ChannelSettings;
export type ChannelAttachmentLimits = P.ChannelAttachmentLimits;
export type WidgetSettingsView = z.infer<typeof P.WidgetSettingsView>;
export type UpdateWidgetSettingsInput = Partial<P.WidgetSettings>;

/** Filters of GET /conversations, as typed values; arrays are sent comma-separated. */
export type ConversationFilters = Partial<ConversationListQuery>;

export interface ApiClientOptions {
  /** Origin to prefix (empty in the browser: same origin). */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Called when any call answers 401 (the session ended). */
  onUnauthorized?: () => void;
}

const SAFE = new Set(['GET', 'HEAD']);

/** A typed client of /api/v1. Cookie session + CSRF header for browsers. */
export class ApiClient {
  csrfToken: string | null = null;
  /** What the signed-in user may do (`me.abilities`: role defaults plus group rights), from the last sign-in or /me. */
  abilities: ReadonlySet<P.Ability> = new Set();
  private readonly base: string;
  private readonly fetchImpl: typeof fetch;
  /** Called when any call answers 401 (the session ended). */
  onUnauthorized?: () => void;

  constructor(opts: ApiClientOptions = {}) {
    this.base = (opts.baseUrl ?? '').replace(/\/$/, '');
    this.fetchImpl = opts.fetch ?? ((...a) => globalThis.fetch(...a));
    this.onUnauthorized = opts.onUnauthorized;
  }

  async request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    const headers: Record<string, string> = {};
    if (!SAFE.has(method) && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    try {
      return await callApi<T>(this.fetchImpl, `${this.base}/api/v1${path}${toQueryString(query)}`, method, body, headers);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401 && path !== '/auth/login') this.onUnauthorized?.();
      throw e;
    }
  }

  // --- session
  async login(email: string, password: string): Promise<Me> {
    const me = await this.request<Me>('POST', '/auth/login', { email, password });
    this.csrfToken = me.csrfToken;
    this.abilities = new Set(me.abilities);
    return me;
  }
  async me(): Promise<Me> {
    const me = await this.request<Me>('GET', '/me');
    this.csrfToken = me.csrfToken;
    this.abilities = new Set(me.abilities);
    return me;
  }
  /** Signed in or not, without a 401 when not (the sign-in page's first call). */
  async session(): Promise<Me | null> {
    const s = await this.request<{ signedIn: boolean; me: Me | null }>('GET', '/auth/session');
    if (s.me) {
      this.csrfToken = s.me.csrfToken;
      this.abilities = new Set(s.me.abilities);
    }
    return s.me;
  }
  async logout(): Promise<void> {
    await this.request('POST', '/auth/logout');
    this.csrfToken = null;
    this.abilities = new Set();
  }

  /** Whether the app should offer an action: the server checks every request anyway. */
  may(ability: P.Ability): boolean {
    return this.abilities.has(ability);
  }

  // --- conversations
  listConversations(filters: ConversationFilters = {}): Promise<ConversationPage> {
    return this.request('GET', '/conversations', undefined, filters as Query);
  }
  unreadSummary(): Promise<UnreadSummary> {
    return this.request('GET', '/conversations/unread');
  }
  conversation(id: number): Promise<Conversation> {
    return this.request('GET', `/conversations/${id}`);
  }
  updateConversation(id: number, patch: UpdateConversationInput): Promise<Conversation> {
    return this.request('PATCH', `/conversations/${id}`, patch);
  }
  messages(id: number, opts: { before?: number; limit?: number } = {}): Promise<MessagePage> {
    return this.request('GET', `/conversations/${id}/messages`, undefined, opts);
  }
  postMessage(id: number, input: PostMessageInput): Promise<Message> {
    return this.request('POST', `/conversations/${id}/messages`, input);
  }
  close(id: number): Promise<Conversation> {
    return this.request('POST', `/conversations/${id}/close`);
  }
  reopen(id: number): Promise<Conversation> {
    return this.request('POST', `/conversations/${id}/reopen`);
  }
  endChat(id: number): Promise<Conversation> {
    return this.request('POST', `/conversations/${id}/end-chat`);
  }
  closeWrapUp(id: number): Promise<Conversation> {
    return this.request('POST', `/conversations/${id}/close-wrap-up`);
  }
  resolve(id: number, note?: string): Promise<Conversation> {
    return this.request('POST', `/conversations/${id}/resolve`, note ? { note } : {});
  }
  reassign(id: number, assigneeId: number, note?: string): Promise<{ ok: true; assigneeId: number }> {
    return this.request('POST', `/conversations/${id}/reassign`, { assigneeId, ...(note ? { note } : {}) });
  }
  markRead(id: number): Promise<{ ok: true }> {
    return this.request('POST', `/conversations/${id}/read`);
  }
  markUnread(id: number): Promise<{ ok: true }> {
    return this.request('POST', `/conversations/${id}/unread`);
  }
  saveDraft(id: number, body: string): Promise<{ ok: true }> {
    return this.request('PUT', `/conversations/${id}/draft`, { body });
  }
  /** Take a waiting conversation from the pick list (routing). */
  pick(id: number): Promise<{ ok: true }> {
    return this.request('POST', `/conversations/${id}/pick`);
  }
  unpinCustomer(id: number): Promise<Conversation> {
    return this.request('POST', `/conversations/${id}/unpin-customer`);
  }

  // --- routing (seed 001: status, queues served, offers; seed 004: transfers)
  myRouting(): Promise<MyRouting> {
    return this.request('GET', '/routing/me');
  }
  setStatus(status: AgentStatus): Promise<MyRouting> {
    return this.request('PUT', '/routing/me/status', { status });
  }
  chooseQueues(queueIds: number[]): Promise<MyRouting> {
    return this.request('PUT', '/routing/me/queues', { queueIds });
  }
  agents(): Promise<{ items: AgentPresence[] }> {
    return this.request('GET', '/routing/agents');
  }
  queueCounts(): Promise<{ items: QueueCounts[] }> {
    return this.request('GET', '/routing/queues');
  }
  acceptOffer(offerId: number): Promise<{ ok: true; conversationId: number }> {
    return this.request('POST', `/routing/offers/${offerId}/accept`);
  }
  declineOffer(offerId: number): Promise<{ ok: true }> {
    return this.request('POST', `/routing/offers/${offerId}/decline`);
  }
  pickList(queueId?: number): Promise<ConversationPage> {
    return this.request('GET', '/routing/pick-list', undefined, { queueId });
  }
  transferToAgent(id: number, userId: number, note?: string): Promise<{ ok: true }> {
    return this.request('POST', `/conversations/${id}/transfer-to-agent`, { userId, ...(note ? { note } : {}) });
  }
  transferToQueue(id: number, queueId: number, note?: string): Promise<{ ok: true }> {
    return this.request('POST', `/conversations/${id}/transfer-to-queue`, { queueId, ...(note ? { note } : {}) });
  }
  queueRouting(queueId: number): Promise<QueueRouting> {
    return this.request('GET', `/queues/${queueId}/routing`);
  }
  updateQueueRouting(queueId: number, patch: UpdateQueueRoutingInput): Promise<QueueRouting> {
    return this.request('PUT', `/queues/${queueId}/routing`, patch);
  }

  // --- composer: canned messages (seed 004), sensitive data and Clean up input (seed 001)
  cannedMessages(): Promise<{ items: CannedMessage[] }> {
    return this.request('GET', '/canned-messages');
  }
  /** Seed 004's WhatsApp 24-hour window for this conversation, by the server's clock. */
  messagingWindow(id: number): Promise<MessagingWindow> {
    return this.request('GET', `/conversations/${id}/messaging-window`);
  }
  /** `personal: true` adds the caller's own quick reply; without it only administrators may add. */
  createCannedMessage(input: CannedMessageCreate): Promise<CannedMessage> {
    return this.request('POST', '/canned-messages', input);
  }
  updateCannedMessage(id: number, input: CannedMessageInput): Promise<CannedMessage> {
    return this.request('PUT', `/canned-messages/${id}`, input);
  }
  deleteCannedMessage(id: number): Promise<{ ok: true }> {
    return this.request('DELETE', `/canned-messages/${id}`);
  }
  composerRules(): Promise<ComposerRulesView> {
    return this.request('GET', '/composer/rules');
  }
  setComposerRules(rules: ComposerRules): Promise<ComposerRulesView> {
    return this.request('PUT', '/composer/rules', rules);
  }
  checkSensitive(text: string): Promise<{ findings: SensitiveFinding[] }> {
    return this.request('POST', '/composer/check', { text });
  }
  cleanUpInput(text: string): Promise<{ text: string }> {
    return this.request('POST', '/composer/clean', { text });
  }

  // --- chat requests (seed 003) and typing
  /** Tell the customer this agent is typing a reply (never for internal notes). */
  typing(id: number, typing: boolean): Promise<{ ok: true }> {
    return this.request('POST', `/conversations/${id}/typing`, { typing });
  }
  chatRequest(id: number): Promise<ChatRequestInfo> {
    return this.request('GET', `/conversations/${id}/chat-request`);
  }
  /** Complete an abandoned or callback request; without a note the answer carries a warning. */
  completeChatRequest(id: number, note?: string): Promise<{ ok: true; warning: string | null }> {
    return this.request('POST', `/conversations/${id}/complete`, note ? { note } : {});
  }
  /** End a joined chat plainly or with a new ticket made from it. */
  endSession(id: number, input: EndSessionInput): Promise<{ ok: true; ticketId: number | null }> {
    return this.request('POST', `/conversations/${id}/end-session`, input);
  }

  // --- email (issue 12): copied addresses, and the original one click away
  emails(id: number): Promise<{ items: EmailDetails[] }> {
    return this.request('GET', `/conversations/${id}/emails`);
  }
  emailOriginal(id: number, messageId: number): Promise<EmailOriginal> {
    return this.request('GET', `/conversations/${id}/emails/${messageId}`);
  }

  // --- attachments
  attachmentLimits(): Promise<AttachmentLimits> {
    return this.request('GET', '/attachments/limits');
  }
  /** Every channel's attachment limits (anyone signed in reads; administrators change). */
  channelSettings(): Promise<ChannelSettings> {
    return this.request('GET', '/settings/channels');
  }
  /** Only the channels sent change, each sent whole. */
  updateChannelSettings(channels: Partial<ChannelSettings['channels']>): Promise<ChannelSettings> {
    return this.request('PUT', '/settings/channels', { channels });
  }
  // --- inboxes (administrators): channel instances; secrets are write-only
  inboxes(): Promise<{ items: Inbox[] }> {
    return this.request('GET', '/inboxes');
  }
  createInbox(input: CreateInboxInput): Promise<Inbox> {
    return this.request('POST', '/inboxes', input);
  }
  updateInbox(id: number, patch: UpdateInboxInput): Promise<Inbox> {
    return this.request('PATCH', `/inboxes/${id}`, patch);
  }
  deleteInbox(id: number): Promise<{ ok: true }> {
    return this.request('DELETE', `/inboxes/${id}`);
  }
  // --- outgoing webhooks (administrators): the secret comes back once, on creation
  webhooks(): Promise<{ items: Webhook[] }> {
    return this.request('GET', '/admin/webhooks');
  }
  createWebhook(input: CreateWebhookInput): Promise<WebhookWithSecret> {
    return this.request('POST', '/admin/webhooks', input);
  }
  updateWebhook(id: number, patch: UpdateWebhookInput): Promise<Webhook> {
    return this.request('PATCH', `/admin/webhooks/${id}`, patch);
  }
  deleteWebhook(id: number): Promise<{ ok: true }> {
    return this.request('DELETE', `/admin/webhooks/${id}`);
  }
  webhookDeliveries(id: number): Promise<{ items: WebhookDelivery[] }> {
    return this.request('GET', `/admin/webhooks/${id}/deliveries`);
  }
  redeliverWebhook(id: number, deliveryId: number): Promise<{ ok: true }> {
    return this.request('POST', `/admin/webhooks/${id}/deliveries/${deliveryId}/redeliver`);
  }
  // --- integration tokens and user groups (administrators; issue 16): a token's secret comes back once
  integrationTokens(): Promise<{ items: IntegrationToken[] }> {
    return this.request('GET', '/admin/tokens');
  }
  createIntegrationToken(input: CreateIntegrationTokenInput): Promise<CreatedIntegrationToken> {
    return this.request('POST', '/admin/tokens', input);
  }
  revokeIntegrationToken(id: number): Promise<{ ok: true }> {
    return this.request('DELETE', `/admin/tokens/${id}`);
  }
  userGroups(): Promise<{ items: UserGroup[] }> {
    return this.request('GET', '/admin/groups');
  }
  createUserGroup(input: SaveUserGroupInput): Promise<UserGroup> {
    return this.request('POST', '/admin/groups', input);
  }
  updateUserGroup(id: number, input: SaveUserGroupInput): Promise<UserGroup> {
    return this.request('PUT', `/admin/groups/${id}`, input);
  }
  deleteUserGroup(id: number): Promise<{ ok: true }> {
    return this.request('DELETE', `/admin/groups/${id}`);
  }
  // --- agent bots (administrators): the token and signing secret come back once, on creation
  bots(): Promise<{ items: Bot[] }> {
    return this.request('GET', '/admin/bots');
  }
  createBot(input: CreateBotInput): Promise<BotWithSecrets> {
    return this.request('POST', '/admin/bots', input);
  }
  updateBot(id: number, patch: UpdateBotInput): Promise<Bot> {
    return this.request('PATCH', `/admin/bots/${id}`, patch);
  }
  deleteBot(id: number): Promise<{ ok: true }> {
    return this.request('DELETE', `/admin/bots/${id}`);
  }
  /** One authenticated call to the provider with the inbox's settings (Admin → Inboxes → Test connection). */
  testInbox(id: number): Promise<{ ok: boolean; detail: string }> {
    return this.request('POST', `/inboxes/${id}/test`);
  }
  /** WhatsApp: fetch the business account's message templates into the inbox. */
  syncInboxTemplates(id: number): Promise<{ items: Array<{ id: number; name: string; language: string; status: string; parameters: number }> }> {
    return this.request('POST', `/inboxes/${id}/templates/sync`);
  }
  /** The widget's settings: office hours, away message… (administrators). */
  widgetSettings(): Promise<WidgetSettingsView> {
    return this.request('GET', '/settings/widget');
  }
  updateWidgetSettings(patch: UpdateWidgetSettingsInput): Promise<WidgetSettingsView> {
    return this.request('PUT', '/settings/widget', patch);
  }
  /** Uploads one file (multipart); the server sniffs its type and holds it to the channel's limits. */
  async uploadAttachment(conversationId: number, file: Blob, name: string): Promise<Attachment> {
    const form = new FormData();
    form.append('file', file, name);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.base}/api/v1/conversations/${conversationId}/attachments`, { method: 'POST', headers, credentials: 'same-origin', body: form });
    } catch {
      throw new ApiError(0, 'network_error', 'Cannot reach the server. Check your connection and try again.');
    }
    const json = (await res.json().catch(() => undefined)) as { error?: { code?: string; message?: string; details?: unknown } } | Attachment | undefined;
    if (!res.ok) {
      const err = (json as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
      if (res.status === 401) this.onUnauthorized?.();
      throw new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? `The server answered ${res.status}.`, err?.details);
    }
    return json as Attachment;
  }

  // --- contacts
  contact(id: number): Promise<Contact> {
    return this.request('GET', `/contacts/${id}`);
  }
  updateContact(id: number, patch: UpdateContactInput): Promise<Contact> {
    return this.request('PATCH', `/contacts/${id}`, patch);
  }
  blockContact(id: number): Promise<Contact> {
    return this.request('POST', `/contacts/${id}/block`);
  }
  unblockContact(id: number): Promise<Contact> {
    return this.request('POST', `/contacts/${id}/unblock`);
  }
  setContactTag(id: number, tagId: number, pinned = false): Promise<Contact> {
    return this.request('PUT', `/contacts/${id}/tags`, { tagId, pinned });
  }
  removeContactTag(id: number, tagId: number): Promise<Contact> {
    return this.request('DELETE', `/contacts/${id}/tags/${tagId}`);
  }

  // --- administration
  createUser(input: z.input<typeof P.CreateUserRequest>): Promise<User> {
    return this.request('POST', '/users', input);
  }
  createQueue(input: z.input<typeof P.CreateQueueRequest>): Promise<Queue> {
    return this.request('POST', '/queues', input);
  }
  setQueueMembers(queueId: number, memberIds: number[]): Promise<Queue> {
    return this.request('PUT', `/queues/${queueId}/members`, { memberIds });
  }
  createTag(input: { kind: 'customer' | 'conversation'; name: string; color?: string }): Promise<TagWithKind> {
    return this.request('POST', '/tags', input);
  }
  createLabel(input: { name: string; color?: string }): Promise<LabelDefinition> {
    return this.request('POST', '/labels', input);
  }
  updateUser(id: number, patch: UpdateUserInput): Promise<User> {
    return this.request('PATCH', `/users/${id}`, patch);
  }
  updateTag(id: number, patch: { name?: string; color?: string }): Promise<TagWithKind> {
    return this.request('PATCH', `/tags/${id}`, patch);
  }
  deleteTag(id: number): Promise<{ ok: true }> {
    return this.request('DELETE', `/tags/${id}`);
  }
  updateLabel(id: number, patch: { name?: string; color?: string }): Promise<LabelDefinition> {
    return this.request('PATCH', `/labels/${id}`, patch);
  }
  deleteLabel(id: number): Promise<{ ok: true }> {
    return this.request('DELETE', `/labels/${id}`);
  }
  deleteConversations(ids: number[]): Promise<{ deleted: number }> {
    return this.request('POST', '/conversations/delete', { ids });
  }

  customerTagCounts(pinned = false): Promise<{ items: Array<{ id: number; name: string; color: string; count: number }>; noTags: number }> {
    return this.request('GET', '/customer-tags/counts', undefined, { pinned: pinned ? 'true' : undefined });
  }

  // --- directory
  users(): Promise<{ items: User[] }> {
    return this.request('GET', '/users');
  }
  queues(): Promise<{ items: Queue[] }> {
    return this.request('GET', '/queues');
  }
  tags(kind?: 'customer' | 'conversation'): Promise<{ items: TagWithKind[] }> {
    return this.request('GET', '/tags', undefined, { kind });
  }
  labels(): Promise<{ items: LabelDefinition[] }> {
    return this.request('GET', '/labels');
  }
}
