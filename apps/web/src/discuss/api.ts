import type { AgentPresence, DiscussionMessage, EngagementTrackingRecord, RecipientType, RequestSettings, RequestType } from '@switchboard/protocol';
import { api } from '../api.ts';

/** The discuss routes (seed 000), on the page's one API client. */
export const discussApi = {
  targets: (conversationId: number, type: RecipientType) => api.request<{ items: AgentPresence[] }>('GET', `/conversations/${conversationId}/request-targets`, undefined, { type }),
  send: (conversationId: number, type: RequestType, recipientId: number, recipientType: RecipientType) =>
    api.request<EngagementTrackingRecord>('POST', `/conversations/${conversationId}/${type}-requests`, { recipientId, recipientType }),
  accept: (r: Pick<EngagementTrackingRecord, 'id' | 'type'>) => api.request<EngagementTrackingRecord>('POST', `/${r.type}-requests/${r.id}/accept`, {}),
  reject: (r: Pick<EngagementTrackingRecord, 'id' | 'type'>, reason: string) => api.request<EngagementTrackingRecord>('POST', `/${r.type}-requests/${r.id}/reject`, { reason }),
  withdraw: (r: Pick<EngagementTrackingRecord, 'id' | 'type'>, reason: string) => api.request<EngagementTrackingRecord>('POST', `/${r.type}-requests/${r.id}/withdraw`, { reason }),
  end: (id: number, resolved: boolean) => api.request<EngagementTrackingRecord>('POST', `/discussions/${id}/end`, { resolved }),
  leave: (id: number) => api.request<EngagementTrackingRecord>('POST', `/discussions/${id}/leave`),
  messages: (id: number) => api.request<{ items: DiscussionMessage[] }>('GET', `/discussions/${id}/messages`),
  post: (id: number, body: string, attachments: DiscussionMessage['attachments'], clientId: string) =>
    api.request<DiscussionMessage>('POST', `/discussions/${id}/messages`, { body, attachments, clientId }),
  typing: (id: number, typing: boolean) => api.request<{ ok: true }>('POST', `/discussions/${id}/typing`, { typing }),
  mine: () => api.request<{ items: EngagementTrackingRecord[] }>('GET', '/requests/mine'),
  ofConversation: (conversationId: number) => api.request<{ items: EngagementTrackingRecord[] }>('GET', `/conversations/${conversationId}/requests`),
  list: (q: Record<string, string | number | undefined>) => api.request<{ items: EngagementTrackingRecord[]; nextCursor: string | null }>('GET', '/engagement-records', undefined, q),
  settings: () => api.request<RequestSettings>('GET', '/settings/requests'),
  saveSettings: (s: Partial<RequestSettings>) => api.request<RequestSettings>('PUT', '/settings/requests', s),
};

export type Record_ = EngagementTrackingRecord;
