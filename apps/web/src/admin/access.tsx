import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { GroupRight, IntegrationToken, Scope, User, UserGroup } from '@switchboard/client';
import { SCOPE_DESCRIPTIONS, SCOPES } from '@switchboard/protocol';
import { api } from '../api.ts';
import { Card, CheckboxSet, EmptyRow, SaveFooter, ShownOnce, useSaving, type Toast } from './parts.tsx';

const when = (at: number | null) => (at == null ? '—' : new Date(at).toLocaleString());

/**
 * Admin → Integrations → API tokens (issue 16 item 3): tokens for integrations that can do only
 * what their scopes say (docs/tokens.md), with an optional expiry and their own rate limit. The
 * secret is shown once, when the token is made; a token acts as the administrator who made it.
 */
export function IntegrationTokens({ fail, toast }: { fail: (e: unknown) => void; toast: Toast }) {
  const [items, setItems] = useState<IntegrationToken[] | null>(null);
  const [adding, setAdding] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const load = useCallback(() => api.integrationTokens().then((r) => setItems(r.items), fail), [fail]);
  useEffect(() => {
    void load();
  }, [load]);
  if (!items) return <p className="muted">Loading…</p>;

  async function revoke(tk: IntegrationToken) {
    if (!window.confirm(`Revoke the token “${tk.name}”? Integrations using it stop at once.`)) return;
    try {
      await api.revokeIntegrationToken(tk.id);
      toast('Token revoked.', 'info');
      await load();
    } catch (e) {
      fail(e);
    }
  }

  return (
    <Card title="API tokens">
      <p className="muted">
        A token for an integration reaches only its scopes: one made with <code>inbound:write</code> posts customer messages and delivery reports and nothing else. Send it as <code>Authorization: Bearer …</code>.
      </p>
      {secret && <ShownOnce lead="The new token" label="New API token" value={secret} onCopied={() => setSecret(null)} />}
      <table className="admin-table" aria-label="API tokens">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Scopes</th>
            <th scope="col">Expires</th>
            <th scope="col">Per minute</th>
            <th scope="col">Last used</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {items.map((tk) => (
            <tr key={tk.id}>
              <td>{tk.name}</td>
              <td className="small">
                {tk.scopes.map((sc) => (
                  <code key={sc} className="scope">
                    {sc}
                  </code>
                ))}
              </td>
              <td>{tk.expiresAt == null ? 'Never' : tk.expiresAt <= Date.now() ? `Expired ${when(tk.expiresAt)}` : when(tk.expiresAt)}</td>
              <td>{tk.ratePerMinute}</td>
              <td>{tk.lastUsedAt == null ? 'Never' : when(tk.lastUsedAt)}</td>
              <td>
                <button className="btn small danger" type="button" onClick={() => void revoke(tk)}>
                  Revoke
                </button>
              </td>
            </tr>
          ))}
          {!items.length && <EmptyRow columns={6}>No API tokens yet.</EmptyRow>}
        </tbody>
      </table>
      {adding ? (
        <AddToken
          onDone={(token) => {
            setAdding(false);
            if (token) {
              setSecret(token);
              void load();
            }
          }}
        />
      ) : (
        <div className="form-actions">
          <button className="btn primary" type="button" onClick={() => setAdding(true)}>
            Add an API token
          </button>
        </div>
      )}
    </Card>
  );
}

function AddToken({ onDone }: { onDone: (token: string | null) => void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Set<Scope>>(new Set(['inbound:write']));
  const [expires, setExpires] = useState('');
  const [rate, setRate] = useState('600');
  const { errors, busy, submit } = useSaving();

  async function save(e: FormEvent) {
    e.preventDefault();
    const problems: string[] = [];
    if (!name.trim()) problems.push('Name the token after the integration that uses it.');
    if (!scopes.size) problems.push('Choose at least one scope.');
    const expiresAt = expires ? new Date(`${expires}T23:59:59`).getTime() : null;
    if (expiresAt !== null && expiresAt <= Date.now()) problems.push('The expiry must be in the future.');
    const perMinute = Number(rate);
    if (!Number.isInteger(perMinute) || perMinute < 1) problems.push('Requests per minute must be a whole number of at least 1.');
    await submit(
      problems,
      async () => onDone((await api.createIntegrationToken({ name: name.trim(), scopes: [...scopes], expiresAt, ratePerMinute: perMinute })).token),
      'The token was not made. Try again.',
    );
  }

  return (
    <form className="admin-form wide" aria-label="Add an API token" onSubmit={(e) => void save(e)} noValidate>
      <label className="field">
        <span>Name</span>
        <input value={name} maxLength={80} onChange={(e) => setName(e.target.value)} placeholder="CRM inbound" required />
      </label>
      <fieldset className="field">
        <legend>Scopes</legend>
        {SCOPES.map((sc) => (
          <label key={sc} className="check">
            <input
              type="checkbox"
              checked={scopes.has(sc)}
              onChange={(e) => {
                const next = new Set(scopes);
                if (e.target.checked) next.add(sc);
                else next.delete(sc);
                setScopes(next);
              }}
            />{' '}
            <code>{sc}</code> <span className="muted small">{SCOPE_DESCRIPTIONS[sc]}</span>
          </label>
        ))}
      </fieldset>
      <label className="field">
        <span>Expires on (optional)</span>
        <input type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />
      </label>
      <label className="field">
        <span>Requests per minute</span>
        <input type="number" min={1} value={rate} onChange={(e) => setRate(e.target.value)} />
      </label>
      <SaveFooter errors={errors} busy={busy} label="Make token" />
      <div className="form-actions">
        <button className="btn" type="button" onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

const RIGHT_LABELS: Record<GroupRight, string> = {
  deleteConversations: 'Delete conversations',
  exportReports: 'View and export reports',
  manageCannedMessages: 'Manage shared canned messages',
  seeAllQueues: 'See all queues',
  reassignOthers: 'Reassign others’ conversations',
};
const RIGHTS = Object.keys(RIGHT_LABELS) as GroupRight[];

/**
 * Admin → Groups (issue 16 item 4, seed 002): named groups whose rights add to their members' role.
 * Administrators hold every right already; a change counts from the members' next request.
 */
export function Groups({ users, fail, toast }: { users: User[]; fail: (e: unknown) => void; toast: Toast }) {
  const [items, setItems] = useState<UserGroup[] | null>(null);
  const [editing, setEditing] = useState<UserGroup | 'new' | null>(null);
  const load = useCallback(() => api.userGroups().then((r) => setItems(r.items), fail), [fail]);
  useEffect(() => {
    void load();
  }, [load]);
  if (!items) return <p className="muted">Loading…</p>;
  const nameOf = (id: number) => users.find((u) => u.id === id)?.name ?? `#${id}`;

  async function remove(g: UserGroup) {
    if (!window.confirm(`Delete the group “${g.name}”? Its members keep only their role’s rights.`)) return;
    try {
      await api.deleteUserGroup(g.id);
      toast('Group deleted.', 'info');
      await load();
    } catch (e) {
      fail(e);
    }
  }

  return (
    <Card title="User groups">
      <p className="muted">A user’s role gives the defaults; each group they are in adds its rights. Administrators hold every right.</p>
      <table className="admin-table" aria-label="User groups">
        <thead>
          <tr>
            <th scope="col">Group</th>
            <th scope="col">Rights</th>
            <th scope="col">Members</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {items.map((g) => (
            <tr key={g.id}>
              <td>{g.name}</td>
              <td className="small">{g.rights.map((r) => RIGHT_LABELS[r]).join(', ') || '—'}</td>
              <td className="small">{g.memberIds.map(nameOf).join(', ') || '—'}</td>
              <td>
                <button className="btn small" type="button" onClick={() => setEditing(g)}>
                  Edit
                </button>{' '}
                <button className="btn small danger" type="button" onClick={() => void remove(g)}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
          {!items.length && <EmptyRow columns={4}>No groups yet.</EmptyRow>}
        </tbody>
      </table>
      {editing ? (
        <GroupForm
          key={editing === 'new' ? 'new' : editing.id}
          group={editing === 'new' ? null : editing}
          users={users}
          onDone={(saved) => {
            setEditing(null);
            if (saved) void load();
          }}
        />
      ) : (
        <div className="form-actions">
          <button className="btn primary" type="button" onClick={() => setEditing('new')}>
            Add a group
          </button>
        </div>
      )}
    </Card>
  );
}

function GroupForm({ group, users, onDone }: { group: UserGroup | null; users: User[]; onDone: (saved: boolean) => void }) {
  const [name, setName] = useState(group?.name ?? '');
  const [rights, setRights] = useState<Set<GroupRight>>(new Set(group?.rights ?? []));
  const [members, setMembers] = useState<Set<number>>(new Set(group?.memberIds ?? []));
  const { errors, busy, submit } = useSaving();

  async function save(e: FormEvent) {
    e.preventDefault();
    const problems = name.trim() ? [] : ['Name the group.'];
    const input = { name: name.trim(), rights: [...rights], memberIds: [...members] };
    await submit(
      problems,
      async () => {
        if (group) await api.updateUserGroup(group.id, input);
        else await api.createUserGroup(input);
        onDone(true);
      },
      'The group was not saved. Try again.',
    );
  }

  return (
    <form className="admin-form wide" aria-label={group ? `Edit group ${group.name}` : 'Add a group'} onSubmit={(e) => void save(e)} noValidate>
      <label className="field">
        <span>Name</span>
        <input value={name} maxLength={80} onChange={(e) => setName(e.target.value)} required />
      </label>
      <fieldset className="field">
        <legend>Rights</legend>
        {RIGHTS.map((r) => (
          <label key={r} className="check">
            <input
              type="checkbox"
              checked={rights.has(r)}
              onChange={(e) => {
                const next = new Set(rights);
                if (e.target.checked) next.add(r);
                else next.delete(r);
                setRights(next);
              }}
            />{' '}
            {RIGHT_LABELS[r]}
          </label>
        ))}
      </fieldset>
      <CheckboxSet legend="Members" items={users.filter((u) => u.active)} selected={members} onChange={setMembers} empty="No users yet." />
      <SaveFooter errors={errors} busy={busy} label={group ? 'Save group' : 'Add group'} />
      <div className="form-actions">
        <button className="btn" type="button" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
