import { useEffect, useState, type FormEvent } from 'react';
import type { Queue, QueueRouting, TagWithKind, LabelDefinition, User } from '@switchboard/client';
import type { Directory } from './Workspace.tsx';
import { api } from './api.ts';
import { STATUS_LABEL } from './Routing.tsx';
import { Chip, Modal } from './ui.tsx';
import { Card, CheckboxSet } from './admin/parts.tsx';
import { Canned, Rules } from './admin/composer.tsx';
import { Channels, OfficeHours } from './admin/channels.tsx';
import { Webhooks } from './admin/webhooks.tsx';
import { Inboxes } from './Inboxes.tsx';
import { WidgetSites } from './WidgetSites.tsx';
import { RequestSettingsForm, TrackingList } from './discuss/index.ts';

type Tab = 'agents' | 'users' | 'queues' | 'inboxes' | 'tags' | 'canned' | 'rules' | 'channels' | 'hours' | 'requests' | 'integrations' | 'tracking';
const TABS: Array<{ tab: Tab; label: string; admin: boolean }> = [
  { tab: 'agents', label: 'Agents now', admin: false },
  { tab: 'users', label: 'Users and roles', admin: false },
  { tab: 'queues', label: 'Queues', admin: true },
  { tab: 'inboxes', label: 'Inboxes', admin: true },
  { tab: 'tags', label: 'Tags and labels', admin: true },
  { tab: 'canned', label: 'Canned messages', admin: true },
  { tab: 'rules', label: 'Composer rules', admin: true },
  { tab: 'channels', label: 'Channels', admin: true },
  { tab: 'hours', label: 'Office hours', admin: true },
  { tab: 'requests', label: 'Assign/Discuss settings', admin: true },
  { tab: 'integrations', label: 'Integrations', admin: true },
  { tab: 'tracking', label: 'Tracking records', admin: false },
];

interface Props {
  dir: Directory;
  reloadDirectory: () => void;
  fail: (e: unknown) => void;
  toast: (text: string, kind?: 'error' | 'info') => void;
}

/** Administration (admins) and the supervisor view of agents' status and load, live. */
export function Admin({ dir, reloadDirectory, fail, toast }: Props) {
  const isAdmin = dir.me.role === 'admin';
  const tabs = TABS.filter((t) => isAdmin || !t.admin);
  const [tab, setTab] = useState<Tab>('agents');
  return (
    <section className="admin" aria-label="Administration">
      <nav className="admin-tabs" role="tablist" aria-label="Administration sections">
        {tabs.map((t) => (
          <button key={t.tab} role="tab" aria-selected={tab === t.tab} className={tab === t.tab ? 'tab active' : 'tab'} onClick={() => setTab(t.tab)}>
            {t.label}
          </button>
        ))}
      </nav>
      <div className="admin-body" role="tabpanel" aria-label={tabs.find((t) => t.tab === tab)?.label}>
        {tab === 'agents' && <AgentsNow dir={dir} />}
        {tab === 'users' && <Users dir={dir} reload={reloadDirectory} fail={fail} toast={toast} />}
        {tab === 'queues' && <Queues dir={dir} reload={reloadDirectory} fail={fail} toast={toast} />}
        {tab === 'inboxes' && <Inboxes queues={dir.queues} fail={fail} toast={toast} />}
        {tab === 'tags' && <TagsAndLabels dir={dir} reload={reloadDirectory} fail={fail} toast={toast} />}
        {tab === 'canned' && <Canned fail={fail} />}
        {tab === 'rules' && <Rules fail={fail} toast={toast} />}
        {tab === 'channels' && <Channels fail={fail} toast={toast} />}
        {tab === 'hours' && (
          <>
            <OfficeHours fail={fail} toast={toast} />
            <WidgetSites fail={fail} toast={toast} />
          </>
        )}
        {tab === 'requests' && <RequestSettingsForm fail={fail} toast={toast} />}
        {tab === 'integrations' && <Webhooks fail={fail} toast={toast} />}
        {tab === 'tracking' && <TrackingList users={dir.users} queues={dir.queues} fail={fail} />}
      </div>
    </section>
  );
}

function AgentsNow({ dir }: { dir: Directory }) {
  const agents = Object.values(dir.agents).sort((a, b) => a.name.localeCompare(b.name));
  const queueName = (id: number) => dir.queues.find((q) => q.id === id)?.name ?? `#${id}`;
  return (
    <Card title="Agents now">
      <table className="admin-table" aria-label="Agents' status and load">
        <thead>
          <tr>
            <th>Agent</th>
            <th>Status</th>
            <th>Load</th>
            <th>Offers</th>
            <th>Wrap-up</th>
            <th>Serving</th>
          </tr>
        </thead>
        <tbody>
          {agents.map((a) => {
            const cap = a.capacity ?? 5;
            return (
              <tr key={a.userId} data-agent-id={a.userId}>
                <td>
                  {a.name} <span className="muted small">{a.role}</span>
                </td>
                <td>
                  <span className={`status-dot st-${a.status}`} aria-hidden="true" /> {STATUS_LABEL[a.status]}
                </td>
                <td className={a.load >= cap ? 'agent-load full' : 'agent-load'}>
                  <span className="sr-only">Load </span>
                  {a.load} / {cap}
                  <span className="loadbar" aria-hidden="true">
                    <span style={{ width: `${Math.min(100, (a.load / cap) * 100)}%` }} />
                  </span>
                </td>
                <td>{a.openOffers}</td>
                <td>{a.inWrapUp}</td>
                <td className="muted">{a.servingQueueIds.map(queueName).join(', ') || '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Card>
  );
}

const ROLE_LABEL: Record<User['role'], string> = { admin: 'Administrator', supervisor: 'Supervisor', agent: 'Agent' };

/** Everyone in the workspace; administrators change roles, names, queues and who may sign in. Supervisors only look. */
function Users({ dir, reload, fail, toast }: { dir: Directory; reload: () => void; fail: (e: unknown) => void; toast: Props['toast'] }) {
  const isAdmin = dir.me.role === 'admin';
  const [form, setForm] = useState({ name: '', email: '', role: 'agent' as User['role'], password: '', capacity: '' });
  const [editing, setEditing] = useState<number | null>(null);
  const editedUser = dir.users.find((u) => u.id === editing);
  async function submit(e: FormEvent) {
    e.preventDefault();
    try {
      await api.createUser({ name: form.name, email: form.email, role: form.role, password: form.password, capacity: form.capacity ? Number(form.capacity) : null });
      toast(`${form.name} can now sign in.`, 'info');
      setForm({ name: '', email: '', role: 'agent', password: '', capacity: '' });
      reload();
    } catch (err) {
      fail(err);
    }
  }
  return (
    <>
      <Card title="Users and roles">
        <table className="admin-table" aria-label="Users">
          <thead>
            <tr>
              <th>Name</th>
              <th>Email</th>
              <th>Role</th>
              <th>Capacity</th>
              <th>Queues</th>
              <th>Sign-in</th>
              {isAdmin && (
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {dir.users.map((u) => (
              <tr key={u.id} className={u.active ? undefined : 'inactive'}>
                <td>{u.name}</td>
                <td className="muted">{u.email}</td>
                <td>{ROLE_LABEL[u.role]}</td>
                <td>{u.capacity ?? 'queue default'}</td>
                <td className="muted">{u.queueIds.map((q) => dir.queues.find((x) => x.id === q)?.name ?? `#${q}`).join(', ') || '—'}</td>
                <td>{u.active ? 'Active' : 'Deactivated'}</td>
                {isAdmin && (
                  <td>
                    <button className="btn small" aria-label={`Edit ${u.name}`} aria-pressed={editing === u.id} onClick={() => setEditing(editing === u.id ? null : u.id)}>
                      Edit
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      {isAdmin && editedUser && <EditUser key={editedUser.id} user={editedUser} dir={dir} reload={reload} fail={fail} toast={toast} onDone={() => setEditing(null)} />}
      {isAdmin && (
        <Card title="Add a user">
          <form className="admin-form" onSubmit={(e) => void submit(e)}>
            <label className="field">
              <span>Name</span>
              <input required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
            </label>
            <label className="field">
              <span>Email</span>
              <input required type="email" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
            </label>
            <label className="field">
              <span>Role</span>
              <select aria-label="Role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as User['role'] })}>
                <option value="agent">Agent</option>
                <option value="supervisor">Supervisor</option>
                <option value="admin">Administrator</option>
              </select>
            </label>
            <label className="field">
              <span>Password (8 characters or more)</span>
              <input required type="password" minLength={8} autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
            </label>
            <label className="field">
              <span>Capacity (optional)</span>
              <input type="number" min={1} max={100} value={form.capacity} onChange={(e) => setForm({ ...form, capacity: e.target.value })} />
            </label>
            <button className="btn primary" type="submit">
              Add user
            </button>
          </form>
        </Card>
      )}
    </>
  );
}

function EditUser({ user, dir, reload, fail, toast, onDone }: { user: User; dir: Directory; reload: () => void; fail: (e: unknown) => void; toast: Props['toast']; onDone: () => void }) {
  const [f, setF] = useState({ name: user.name, role: user.role, capacity: user.capacity === null ? '' : String(user.capacity) });
  const [queues, setQueues] = useState<Set<number>>(() => new Set(user.queueIds));
  const [confirm, setConfirm] = useState(false);
  async function save(e: FormEvent) {
    e.preventDefault();
    try {
      await api.updateUser(user.id, { name: f.name, role: f.role, capacity: f.capacity ? Number(f.capacity) : null, queueIds: [...queues] });
      toast(`${f.name} saved.`, 'info');
      reload();
      onDone();
    } catch (err) {
      fail(err);
    }
  }
  async function setActive(active: boolean) {
    setConfirm(false);
    try {
      await api.updateUser(user.id, { active });
      toast(active ? `${user.name} can sign in again.` : `${user.name} is deactivated and signed out.`, 'info');
      reload();
    } catch (err) {
      fail(err);
    }
  }
  const self = user.id === dir.me.id;
  return (
    <Card title={`Edit ${user.name}`}>
      <form className="admin-form" aria-label={`Edit ${user.name}`} onSubmit={(e) => void save(e)}>
        <label className="field">
          <span>Name</span>
          <input required maxLength={120} value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} />
        </label>
        <label className="field">
          <span>Role</span>
          <select value={f.role} onChange={(e) => setF({ ...f, role: e.target.value as User['role'] })}>
            <option value="agent">Agent</option>
            <option value="supervisor">Supervisor</option>
            <option value="admin">Administrator</option>
          </select>
        </label>
        <label className="field">
          <span>Capacity (empty: queue default)</span>
          <input type="number" min={1} max={100} value={f.capacity} onChange={(e) => setF({ ...f, capacity: e.target.value })} />
        </label>
        <CheckboxSet legend="Queues" items={dir.queues} selected={queues} onChange={setQueues} empty="No queues yet." />
        <div className="form-actions">
          <button className="btn primary" type="submit">
            Save user
          </button>
          <button className="btn" type="button" onClick={onDone}>
            Cancel
          </button>
          {user.active ? (
            <button className="btn danger" type="button" onClick={() => setConfirm(true)}>
              Deactivate user
            </button>
          ) : (
            <button className="btn" type="button" onClick={() => void setActive(true)}>
              Reactivate user
            </button>
          )}
        </div>
      </form>
      {confirm && (
        <Modal
          title={`Deactivate ${user.name}?`}
          onClose={() => setConfirm(false)}
          footer={
            <>
              <button className="btn" onClick={() => setConfirm(false)}>
                Cancel
              </button>
              <button className="btn danger" onClick={() => void setActive(false)}>
                Deactivate
              </button>
            </>
          }
        >
          <p>
            {self ? 'You will be signed out at once' : `${user.name} is signed out at once`} and cannot sign in or use API tokens until reactivated. Open offers go to other agents; assigned conversations stay assigned.
          </p>
        </Modal>
      )}
    </Card>
  );
}

const MIN = 60_000;

function Queues({ dir, reload, fail, toast }: { dir: Directory; reload: () => void; fail: (e: unknown) => void; toast: Props['toast'] }) {
  const [open, setOpen] = useState<number | null>(dir.queues[0]?.id ?? null);
  const [name, setName] = useState('');
  return (
    <>
      <Card title="Queues">
        <ul className="queue-list">
          {dir.queues.map((q) => (
            <li key={q.id}>
              <button className={`btn ${open === q.id ? 'primary' : ''}`} onClick={() => setOpen(q.id)} aria-pressed={open === q.id}>
                {q.name}
              </button>
            </li>
          ))}
        </ul>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            api.createQueue({ name }).then((q) => {
              setName('');
              reload();
              setOpen(q.id);
            }, fail);
          }}
        >
          <input aria-label="New queue name" placeholder="New queue name" value={name} onChange={(e) => setName(e.target.value)} required />
          <button className="btn" type="submit">
            Add queue
          </button>
        </form>
      </Card>
      {open !== null && dir.queues.some((q) => q.id === open) && <QueueSettings key={open} queue={dir.queues.find((q) => q.id === open)!} dir={dir} reload={reload} fail={fail} toast={toast} />}
    </>
  );
}

function QueueSettings({ queue, dir, reload, fail, toast }: { queue: Queue; dir: Directory; reload: () => void; fail: (e: unknown) => void; toast: Props['toast'] }) {
  const [r, setR] = useState<QueueRouting | null>(null);
  const [members, setMembers] = useState<Set<number>>(() => new Set(queue.memberIds));
  useEffect(() => {
    api.queueRouting(queue.id).then(setR, fail);
  }, [queue.id, fail]);
  if (!r) return <p className="muted">Loading…</p>;
  const s = r.settings;
  const set = (patch: Partial<QueueRouting['settings']>) => setR({ ...r, settings: { ...s, ...patch } });
  const minutes = (v: number | null) => (v === null ? '' : String(Math.round((v / MIN) * 100) / 100));
  const fromMinutes = (v: string) => (v === '' ? null : Math.max(1, Math.round(Number(v) * MIN)));
  const seconds = (v: number) => String(Math.round(v / 1000));

  async function save() {
    try {
      const next = await api.updateQueueRouting(queue.id, { routingMode: r!.routingMode, settings: r!.settings });
      setR(next);
      await api.setQueueMembers(queue.id, [...members]);
      reload();
      toast(`${queue.name} saved.`, 'info');
    } catch (e) {
      fail(e);
    }
  }

  return (
    <Card title={`${queue.name}: routing`}>
      <div className="admin-form">
        <label className="field">
          <span>Routing mode</span>
          <select aria-label="Routing mode" value={r.routingMode} onChange={(e) => setR({ ...r, routingMode: e.target.value as QueueRouting['routingMode'] })}>
            <option value="auto_assign">Offer to agents (Accept / Decline)</option>
            <option value="auto_answer">Auto-answer (assigned at once)</option>
            <option value="pick_list">Pick list (agents pick)</option>
          </select>
        </label>
        <label className="field">
          <span>Strategy</span>
          <select aria-label="Strategy" value={s.strategy} onChange={(e) => set({ strategy: e.target.value as 'round_robin' | 'least_busy' })}>
            <option value="round_robin">Round robin</option>
            <option value="least_busy">Least busy</option>
          </select>
        </label>
        <label className="field">
          <span>Capacity per agent</span>
          <input type="number" min={1} max={100} value={s.capacity} onChange={(e) => set({ capacity: Math.max(1, Number(e.target.value) || 1) })} />
        </label>
        <label className="field">
          <span>Offer timeout (seconds)</span>
          <input type="number" min={0} value={seconds(s.offerTimeoutMs)} onChange={(e) => set({ offerTimeoutMs: Math.max(0, Number(e.target.value) * 1000) })} />
        </label>
        <label className="field">
          <span>Wrap-up</span>
          <select aria-label="Wrap-up" value={s.wrapUp} onChange={(e) => set({ wrapUp: e.target.value as 'automatic' | 'manual' })}>
            <option value="automatic">Automatic</option>
            <option value="manual">Manual (agent clicks Close)</option>
          </select>
        </label>
        <label className="field">
          <span>Wrap-up time (seconds)</span>
          <input type="number" min={0} value={seconds(s.wrapUpMs)} onChange={(e) => set({ wrapUpMs: Math.max(0, Number(e.target.value) * 1000) })} />
        </label>
        <label className="field">
          <span>First reply within (minutes, empty: no limit)</span>
          <input type="number" min={0} step="any" value={minutes(s.firstReplyMs)} onChange={(e) => set({ firstReplyMs: fromMinutes(e.target.value) })} />
        </label>
        <label className="field">
          <span>Next reply within (minutes, empty: no limit)</span>
          <input type="number" min={0} step="any" value={minutes(s.nextReplyMs)} onChange={(e) => set({ nextReplyMs: fromMinutes(e.target.value) })} />
        </label>
        <label className="field">
          <span>Resolve after customer inactivity (minutes, empty: never)</span>
          <input type="number" min={0} step="any" value={minutes(s.inactivityResolveMs)} onChange={(e) => set({ inactivityResolveMs: fromMinutes(e.target.value) })} />
        </label>
      </div>
      <CheckboxSet legend="Members" items={dir.users} selected={members} onChange={setMembers} />
      <button className="btn primary" onClick={() => void save()}>
        Save queue
      </button>
    </Card>
  );
}

type Renamable = { id: number; name: string; color: string; builtin?: boolean };

/** One tag or label with Rename and Delete; built-in labels can be renamed, not deleted. */
function DirectoryItem({ item, what, onSave, onDelete }: { item: Renamable; what: string; onSave: (patch: { name: string; color: string }) => Promise<boolean>; onDelete: () => void }) {
  const [edit, setEdit] = useState<{ name: string; color: string } | null>(null);
  if (edit)
    return (
      <li aria-label={item.name}>
        <form
          className="inline-form tight"
          onSubmit={(e) => {
            e.preventDefault();
            void onSave(edit).then((ok) => ok && setEdit(null));
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setEdit(null);
          }}
        >
          <input aria-label={`New name for ${item.name}`} required maxLength={60} autoFocus value={edit.name} onChange={(e) => setEdit({ ...edit, name: e.target.value })} />
          <input aria-label={`Color of ${item.name}`} type="color" value={edit.color} onChange={(e) => setEdit({ ...edit, color: e.target.value })} />
          <button className="btn small primary" type="submit">
            Save
          </button>
          <button className="btn small" type="button" onClick={() => setEdit(null)}>
            Cancel
          </button>
        </form>
      </li>
    );
  return (
    <li aria-label={item.name}>
      <Chip name={item.name} color={item.color} />
      {item.builtin && <span className="muted small">built-in</span>}
      <span className="directory-actions">
        <button className="btn small" aria-label={`Rename ${what} ${item.name}`} onClick={() => setEdit({ name: item.name, color: item.color })}>
          Rename
        </button>
        {!item.builtin && (
          <button className="btn small danger" aria-label={`Delete ${what} ${item.name}`} onClick={onDelete}>
            Delete
          </button>
        )}
      </span>
    </li>
  );
}

function TagsAndLabels({ dir, reload, fail, toast }: { dir: Directory; reload: () => void; fail: (e: unknown) => void; toast: Props['toast'] }) {
  const [tag, setTag] = useState({ name: '', kind: 'customer' as TagWithKind['kind'], color: '#0ea5e9' });
  const [label, setLabel] = useState({ name: '', color: '#f59e0b' });
  const [labels, setLabels] = useState<LabelDefinition[]>(dir.labels);
  useEffect(() => setLabels(dir.labels), [dir.labels]);
  const [deleting, setDeleting] = useState<{ kind: 'customer' | 'conversation' | 'label'; item: Renamable } | null>(null);
  // Resolves true once saved; a refusal (a name taken) is shown and the field stays open.
  const saved = (p: Promise<unknown>) =>
    p.then(
      () => (reload(), true),
      (e) => (fail(e), false),
    );
  const saveTag = (t: Renamable) => (patch: { name: string; color: string }) => saved(api.updateTag(t.id, patch));
  const saveLabel = (l: Renamable) => (patch: { name: string; color: string }) => saved(api.updateLabel(l.id, patch));
  async function remove() {
    if (!deleting) return;
    const { kind, item } = deleting;
    setDeleting(null);
    try {
      if (kind === 'label') await api.deleteLabel(item.id);
      else await api.deleteTag(item.id);
      toast(`${item.name} deleted.`, 'info');
      reload();
    } catch (e) {
      fail(e);
    }
  }
  const whereUsed = deleting?.kind === 'customer' ? 'every customer who has it' : 'every conversation that has it';
  return (
    <>
      <Card title="Customer tags">
        <ul className="directory-list" aria-label="Customer tags">
          {dir.customerTags.map((t) => (
            <DirectoryItem key={t.id} item={t} what="customer tag" onSave={saveTag(t)} onDelete={() => setDeleting({ kind: 'customer', item: t })} />
          ))}
          {!dir.customerTags.length && <li className="muted">None yet.</li>}
        </ul>
      </Card>
      <Card title="Conversation tags">
        <ul className="directory-list" aria-label="Conversation tags">
          {dir.conversationTags.map((t) => (
            <DirectoryItem key={t.id} item={t} what="conversation tag" onSave={saveTag(t)} onDelete={() => setDeleting({ kind: 'conversation', item: t })} />
          ))}
          {!dir.conversationTags.length && <li className="muted">None yet.</li>}
        </ul>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            api.createTag(tag).then(() => {
              setTag({ ...tag, name: '' });
              reload();
            }, fail);
          }}
        >
          <input aria-label="New tag name" placeholder="New tag name" required value={tag.name} onChange={(e) => setTag({ ...tag, name: e.target.value })} />
          <select aria-label="Tag kind" value={tag.kind} onChange={(e) => setTag({ ...tag, kind: e.target.value as TagWithKind['kind'] })}>
            <option value="customer">Customer tag</option>
            <option value="conversation">Conversation tag</option>
          </select>
          <input aria-label="Tag color" type="color" value={tag.color} onChange={(e) => setTag({ ...tag, color: e.target.value })} />
          <button className="btn" type="submit">
            Add tag
          </button>
        </form>
      </Card>
      <Card title="Labels">
        <ul className="directory-list" aria-label="Labels">
          {labels.map((l) => (
            <DirectoryItem key={l.id} item={l} what="label" onSave={saveLabel(l)} onDelete={() => setDeleting({ kind: 'label', item: l })} />
          ))}
        </ul>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            api.createLabel(label).then(() => {
              setLabel({ ...label, name: '' });
              reload();
            }, fail);
          }}
        >
          <input aria-label="New label name" placeholder="New label name" required value={label.name} onChange={(e) => setLabel({ ...label, name: e.target.value })} />
          <input aria-label="Label color" type="color" value={label.color} onChange={(e) => setLabel({ ...label, color: e.target.value })} />
          <button className="btn" type="submit">
            Add label
          </button>
        </form>
      </Card>
      {deleting && (
        <Modal
          title={`Delete ${deleting.item.name}?`}
          onClose={() => setDeleting(null)}
          footer={
            <>
              <button className="btn" onClick={() => setDeleting(null)}>
                Cancel
              </button>
              <button className="btn danger" onClick={() => void remove()}>
                Delete
              </button>
            </>
          }
        >
          <p>It is taken off {whereUsed}. This cannot be undone.</p>
        </Modal>
      )}
    </>
  );
}
