import { ApiError } from '@switchboard/client';
import type { Preferences, Profile } from '@switchboard/protocol';
import { api } from '../api.ts';

export interface TokenSummary {
  id: number;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** Uploads one file as multipart (the JSON client sends JSON only), with the session's CSRF header. */
async function putFile<T>(path: string, file: Blob, name: string): Promise<T> {
  const form = new FormData();
  form.append('file', file, name);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (api.csrfToken) headers['x-csrf-token'] = api.csrfToken;
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { method: 'PUT', headers, credentials: 'same-origin', body: form });
  } catch {
    throw new ApiError(0, 'network_error', 'Cannot reach the server. Check your connection and try again.');
  }
  const json = (await res.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
  if (!res.ok) throw new ApiError(res.status, json?.error?.code ?? `http_${res.status}`, json?.error?.message ?? `The server answered ${res.status}.`);
  return json as T;
}

/** The profile page's calls (routes: http/routes/profile.ts and auth.ts). */
export const profileApi = {
  get: () => api.request<Profile>('GET', '/me/profile'),
  update: (patch: { name?: string; preferences?: Partial<Preferences> }) => api.request<Profile>('PATCH', '/me/profile', patch),
  setAvatar: (file: File) => putFile<Profile>('/me/avatar', file, file.name),
  removeAvatar: () => api.request<Profile>('DELETE', '/me/avatar'),
  changePassword: (currentPassword: string, newPassword: string) => api.request<{ ok: true }>('POST', '/me/password', { currentPassword, newPassword }),
  tokens: () => api.request<{ items: TokenSummary[] }>('GET', '/me/tokens'),
  createToken: (name: string) => api.request<{ id: number; name: string; token: string }>('POST', '/me/tokens', { name }),
  revokeToken: (id: number) => api.request<{ ok: true }>('DELETE', `/me/tokens/${id}`),
};
