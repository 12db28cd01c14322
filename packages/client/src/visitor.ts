import type { z } from 'zod';
import type * as P from '@switchboard/protocol';
import { ApiError, callApi } from './http.ts';

export type WidgetConfig = P.WidgetConfig;
export type VisitorConversation = P.VisitorConversation;
export type VisitorMessage = P.VisitorMessage;
export type VisitorServerFrame = P.VisitorServerFrame;
export type Ticket = P.Ticket;
export type VisitorSession = z.infer<typeof P.VisitorSession>;
export type VisitorMe = z.infer<typeof P.VisitorMe>;
export type CreateVisitorSessionInput = z.input<typeof P.CreateVisitorSessionRequest>;
export type StartChatInput = z.input<typeof P.StartChatRequest>;
export type CallbackInput = z.input<typeof P.CallbackRequest>;
export type VisitorAttachment = VisitorMessage['attachments'][number];

/**
 * The customer's client of the visitor API (/api/v1/widget/…), for the widget and the portal. It
 * holds the visitor token and sends it as a header: the token is no cookie (the widget lives in an
 * iframe on other sites' pages) and never goes into a URL (access logs keep URLs).
 */
export class VisitorClient {
  token: string | null = null;
  private readonly base: string;
  private readonly fetchImpl: typeof fetch;

  constructor(opts: { baseUrl?: string; fetch?: typeof fetch } = {}) {
    this.base = (opts.baseUrl ?? '').replace(/\/$/, '');
    this.fetchImpl = opts.fetch ?? ((...a) => globalThis.fetch(...a));
  }

  request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return callApi<T>(this.fetchImpl, `${this.base}/api/v1${path}`, method, body, this.token ? { 'x-visitor-token': this.token } : {});
  }

  config(): Promise<WidgetConfig> {
    return this.request('GET', '/widget/config');
  }
  /** The customer of the token held, or null when the token is no longer valid. */
  async me(): Promise<VisitorMe | null> {
    try {
      return await this.request<VisitorMe>('GET', '/widget/me');
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return null;
      throw e;
    }
  }
  /** A new visitor; its token is held from then on. */
  async createSession(input: CreateVisitorSessionInput): Promise<VisitorSession> {
    const created = await this.request<VisitorSession>('POST', '/widget/sessions', input);
    this.token = created.token;
    return created;
  }
  setAttributes(attributes: Record<string, string>): Promise<unknown> {
    return this.request('PATCH', '/widget/me', { attributes });
  }

  conversation(id: number): Promise<VisitorConversation> {
    return this.request('GET', `/widget/conversations/${id}`);
  }
  startConversation(input: StartChatInput): Promise<VisitorConversation> {
    return this.request('POST', '/widget/conversations', input);
  }
  /** The conversation's messages, oldest first; `after` a message id for only the newer ones. */
  messages(conversationId: number, after?: number): Promise<{ items: VisitorMessage[] }> {
    return this.request('GET', `/widget/conversations/${conversationId}/messages?limit=200${after ? `&after=${after}` : ''}`);
  }
  /** `clientId` makes a retry safe: the server stores a message once per client id. */
  sendMessage(conversationId: number, input: { body: string; attachments: VisitorAttachment[]; clientId: string }): Promise<VisitorMessage> {
    return this.request('POST', `/widget/conversations/${conversationId}/messages`, input);
  }
  keepWaiting(conversationId: number): Promise<VisitorConversation> {
    return this.request('POST', `/widget/conversations/${conversationId}/keep-waiting`, {});
  }
  leave(conversationId: number): Promise<VisitorConversation> {
    return this.request('POST', `/widget/conversations/${conversationId}/leave`, {});
  }
  requestCallback(conversationId: number, input: CallbackInput): Promise<VisitorConversation> {
    return this.request('POST', `/widget/conversations/${conversationId}/callback`, input);
  }
  markRead(conversationId: number, upToMessageId: number): Promise<unknown> {
    return this.request('POST', `/widget/conversations/${conversationId}/read`, { upToMessageId });
  }
  /** A file to attach, as base64 (`data`); it is sent with a message afterwards. */
  upload(file: { name: string; contentType: string; data: string }): Promise<VisitorAttachment> {
    return this.request('POST', '/widget/uploads', file);
  }
  /** A file of one's own conversation: it needs the token, which an <img> or a link cannot send. */
  async file(url: string): Promise<Blob | null> {
    const r = await this.fetchImpl(url, { headers: this.token ? { 'x-visitor-token': this.token } : {} });
    return r.ok ? r.blob() : null;
  }

  tickets(): Promise<{ items: Ticket[] }> {
    return this.request('GET', '/widget/tickets');
  }
  ticket(id: number): Promise<Ticket> {
    return this.request('GET', `/widget/tickets/${id}`);
  }

  /** The customer stream's URL, with a one-time ticket in place of the token (for StreamClient's `url`). */
  async streamUrl(location: { protocol: string; host: string }): Promise<string> {
    const { ticket } = await this.request<{ ticket: string }>('POST', '/widget/stream-ticket');
    return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/widget/stream?ticket=${encodeURIComponent(ticket)}`;
  }
}
