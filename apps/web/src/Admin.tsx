import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import type { CannedMessage, ChannelAttachmentLimits, ChannelSettings, ComposerRulesView, Queue, QueueRouting, TagWithKind, LabelDefinition, User, WidgetSettingsView } from '@switchboard/client';
import type { Directory } from './Workspace.tsx';
import { api } from './api.ts';
import { STATUS_LABEL } from './Routing.tsx';
import { Chip, Modal, toggled } from './ui.tsx';
import { Inboxes } from './Inboxes.tsx';
import { WidgetSites } from './WidgetSites.tsx';
import { RequestSettingsForm, TrackingList } from './discuss/index.ts';

type Tab = 'agents' | 'users' | 'queues' | 'inboxes' | 'tags' | 'canned' | 'rules' | 'channels' | 'hours' | 'requests' | 'tracking';
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
        {tab === 'tracking' && <TrackingList users={dir.users} queues={dir.queues} fail={fail} />}
      </div>
    </section>
  );
}

function Card({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="admin-card">
      <h2>{title}</h2>
      {children}
    </div>
  );
}

/**
 * A settings form's saving: `submit` shows the problems found and sends nothing while there are any;
 * otherwise it runs `send`, busy meanwhile, and shows its error's message (or `failed`) if it fails.
 */
function useSaving() {
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  async function submit(problems: string[], send: () => Promise<void>, failed: string) {
    setErrors(problems);
    if (problems.length) return;
    setBusy(true);
    try {
      await send();
    } catch (err) {
      setErrors([(err as Error).message || failed]);
    } finally {
      setBusy(false);
    }
  }
  return { errors, busy, setErrors, submit };
}

/** The end of a settings form: what stops it from saving, then its Save button ("Saving…" while busy). */
function SaveFooter({ errors, busy, label }: { errors: string[]; busy: boolean; label: string }) {
  return (
    <>
      {errors.length > 0 && (
        <div className="form-errors" role="alert">
          {errors.map((x) => (
            <p key={x}>{x}</p>
          ))}
        </div>
      )}
      <div className="form-actions">
        <button className="btn primary" type="submit" disabled={busy}>
          {busy ? 'Saving…' : label}
        </button>
      </div>
    </>
  );
}

/** A fieldset of checkboxes choosing some of `items` by id (a user's queues, a queue's members). */
function CheckboxSet({ legend, items, selected, onChange, empty }: { legend: string; items: Array<{ id: number; name: string }>; selected: Set<number>; onChange: (next: Set<number>) => void; empty?: string }) {
  return (
    <fieldset className="members">
      <legend>{legend}</legend>
      {items.map((it) => (
        <label key={it.id} className="check">
          <input
            type="checkbox"
            checked={selected.has(it.id)}
            onChange={(e) => onChange(toggled(selected, it.id, e.target.checked))}
          />
          {it.name}
        </label>
      ))}
      {!items.length && empty && <span className="muted">{empty}</span>}
    </fieldset>
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

function Canned({ fail }: { fail: (e: unknown) => void }) {
  const [items, setItems] = useState<CannedMessage[]>([]);
  const blank = { id: null, title: '', body: '', template: false, personal: false };
  const [editing, setEditing] = useState<{ id: number | null; title: string; body: string; template: boolean; personal: boolean }>(blank);
  const load = () => api.cannedMessages().then((r) => setItems(r.items), fail);
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  async function save(e: FormEvent) {
    e.preventDefault();
    try {
      // A reply template (seed 001) is a shared canned message marked by an administrator.
      const input = { title: editing.title, body: editing.body, ...(editing.personal ? {} : { template: editing.template }) };
      if (editing.id === null) await api.createCannedMessage(input);
      else await api.updateCannedMessage(editing.id, input);
      setEditing(blank);
      await load();
    } catch (err) {
      fail(err);
    }
  }
  return (
    <>
      <Card title="Canned messages">
        <ul className="canned-admin">
          {items.map((m) => (
            <li key={m.id} aria-label={m.title}>
              <div>
                <strong>{m.title}</strong>
                {m.ownerId !== null && <span className="muted small"> · your personal quick reply</span>}
                {m.template && <span className="badge template">Reply template</span>}
                <p className="muted">{m.body}</p>
              </div>
              <button className="btn small" onClick={() => setEditing({ id: m.id, title: m.title, body: m.body, template: m.template, personal: m.ownerId !== null })}>
                Edit
              </button>
              <button className="btn small danger" onClick={() => void api.deleteCannedMessage(m.id).then(load, fail)}>
                Delete
              </button>
            </li>
          ))}
          {!items.length && <li className="muted">None yet.</li>}
        </ul>
      </Card>
      <Card title={editing.id === null ? 'Add a canned message' : 'Edit canned message'}>
        <form className="admin-form wide" onSubmit={(e) => void save(e)}>
          <label className="field">
            <span>Title</span>
            <input required maxLength={120} value={editing.title} onChange={(e) => setEditing({ ...editing, title: e.target.value })} />
          </label>
          <label className="field">
            <span>Message</span>
            <textarea required rows={4} maxLength={2000} value={editing.body} onChange={(e) => setEditing({ ...editing, body: e.target.value })} />
          </label>
          {!editing.personal && (
            <label className="check">
              <input type="checkbox" checked={editing.template} onChange={(e) => setEditing({ ...editing, template: e.target.checked })} />
              <span>Reply template — approved text agents may send on WhatsApp after the customer’s 24-hour window has closed</span>
            </label>
          )}
          <p className="muted small">
            Variables: <code>{'{{first_name}}'}</code> <code>{'{{last_name}}'}</code> <code>{'{{email}}'}</code> <code>{'{{phone}}'}</code> <code>{'{{agent_name}}'}</code> and custom attributes <code>{'{{attr.key}}'}</code>.
          </p>
          <div>
            <button className="btn primary" type="submit">
              {editing.id === null ? 'Add canned message' : 'Save canned message'}
            </button>
          </div>
        </form>
      </Card>
    </>
  );
}

const lines = (s: string) => s.split('\n').map((x) => x.trim()).filter(Boolean);

function Rules({ fail, toast }: { fail: (e: unknown) => void; toast: Props['toast'] }) {
  const [rules, setRules] = useState<{ words: string; patterns: string; cleanup: string; refused: ComposerRulesView['refusedPatterns'] } | null>(null);
  useEffect(() => {
    api.composerRules().then((r: ComposerRulesView) => setRules({ words: r.sensitiveWords.join('\n'), patterns: r.sensitivePatterns.join('\n'), cleanup: r.cleanupPatterns.join('\n'), refused: r.refusedPatterns }), fail);
  }, [fail]);
  if (!rules) return <p className="muted">Loading…</p>;
  return (
    <Card title="Composer rules">
      <p className="muted">Card numbers (Luhn-checked) and social security numbers are always highlighted. Add words and patterns (regular expressions, one per line) your agents should avoid.</p>
      <form
        className="admin-form wide"
        onSubmit={(e) => {
          e.preventDefault();
          api
            .setComposerRules({ sensitiveWords: lines(rules.words), sensitivePatterns: lines(rules.patterns), cleanupPatterns: lines(rules.cleanup) })
            .then((r) => {
              setRules((now) => now && { ...now, refused: r.refusedPatterns });
              toast('Composer rules saved.', 'info');
            }, fail);
        }}
      >
        {rules.refused.map((p) => (
          <p key={p.pattern} className="form-errors" role="alert">
            Not run: <code>{p.pattern}</code> — {p.reason}
          </p>
        ))}
        <label className="field">
          <span>Words to avoid (one per line)</span>
          <textarea rows={4} value={rules.words} onChange={(e) => { const v = e.target.value; setRules((r) => r && { ...r, words: v }); }} />
        </label>
        <label className="field">
          <span>Patterns to avoid (one per line)</span>
          <textarea rows={3} value={rules.patterns} onChange={(e) => { const v = e.target.value; setRules((r) => r && { ...r, patterns: v }); }} />
        </label>
        <label className="field">
          <span>Clean up input removes (patterns, one per line)</span>
          <textarea rows={3} value={rules.cleanup} onChange={(e) => { const v = e.target.value; setRules((r) => r && { ...r, cleanup: v }); }} />
        </label>
        <div>
          <button className="btn primary" type="submit">
            Save rules
          </button>
        </div>
      </form>
    </Card>
  );
}

// ------------------------------------------------------------ channels (attachment limits)

const LIMIT_CHANNELS: Array<{ id: keyof ChannelSettings['channels']; name: string }> = [
  { id: 'messenger', name: 'Facebook and Instagram' },
  { id: 'whatsapp', name: 'WhatsApp Business' },
  { id: 'telegram', name: 'Telegram' },
  { id: 'web', name: 'Web chat' },
  { id: 'portal', name: 'Portal' },
  { id: 'email', name: 'Email' },
  { id: 'api', name: 'API' },
];
const KINDS: Array<{ id: keyof ChannelAttachmentLimits; name: string }> = [
  { id: 'image', name: 'Images' },
  { id: 'audio', name: 'Audio' },
  { id: 'video', name: 'Videos' },
  { id: 'file', name: 'Files' },
];
const MiB = 1024 * 1024;
type LimitForm = Record<string, Record<string, { allowed: boolean; mb: string }>>;
const toForm = (c: ChannelSettings['channels']): LimitForm =>
  Object.fromEntries(Object.entries(c).map(([ch, l]) => [ch, Object.fromEntries(Object.entries(l).map(([k, v]) => [k, { allowed: v.allowed, mb: String(Math.round((v.maxBytes / MiB) * 1000) / 1000) }]))]));

/** Issue 4 item 8: what each channel accepts: the largest file per kind (MB) and whether the kind is allowed. */
function Channels({ fail, toast }: { fail: (e: unknown) => void; toast: Props['toast'] }) {
  const [saved, setSaved] = useState<ChannelSettings['channels'] | null>(null);
  const [form, setForm] = useState<LimitForm | null>(null);
  const { errors, busy, setErrors, submit } = useSaving();
  useEffect(() => {
    api.channelSettings().then((r) => {
      setSaved(r.channels);
      setForm(toForm(r.channels));
    }, fail);
  }, [fail]);
  if (!form || !saved) return <p className="muted">Loading…</p>;
  const set = (ch: string, kind: string, patch: Partial<{ allowed: boolean; mb: string }>) => setForm({ ...form, [ch]: { ...form[ch], [kind]: { ...form[ch]![kind]!, ...patch } } });

  async function save(e: FormEvent) {
    e.preventDefault();
    const problems: string[] = [];
    const changed: Partial<ChannelSettings['channels']> = {};
    for (const ch of LIMIT_CHANNELS) {
      const limits = {} as ChannelAttachmentLimits;
      for (const k of KINDS) {
        const f = form![ch.id]![k.id]!;
        const mb = Number(f.mb);
        const bytes = Math.round(mb * MiB);
        if (f.mb.trim() === '' || !Number.isFinite(mb) || bytes < 1024 || bytes > 100 * MiB) problems.push(`${k.name} on ${ch.name}: enter a size from 0.001 MB (1 KB) to 100 MB.`);
        limits[k.id] = { allowed: f.allowed, maxBytes: bytes };
      }
      if (JSON.stringify(limits) !== JSON.stringify(saved![ch.id])) changed[ch.id] = limits;
    }
    if (!problems.length && !Object.keys(changed).length) {
      setErrors([]);
      return toast('Nothing to save: the limits are unchanged.', 'info');
    }
    await submit(
      problems,
      async () => {
        const r = await api.updateChannelSettings(changed);
        setSaved(r.channels);
        setForm(toForm(r.channels));
        toast('Channel limits saved. Uploads follow them at once.', 'info');
      },
      'The limits were not saved. Try again.',
    );
  }

  return (
    <Card title="Channels">
      <p className="muted">The largest attachment agents and customers may send on each channel, per kind of file. Untick a kind to refuse it on that channel.</p>
      <form aria-label="Channel attachment limits" onSubmit={(e) => void save(e)} noValidate>
        <table className="admin-table channel-limits" aria-label="Attachment limits per channel">
          <thead>
            <tr>
              <th scope="col">Channel</th>
              {KINDS.map((k) => (
                <th key={k.id} scope="col">
                  {k.name} (MB)
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {LIMIT_CHANNELS.map((ch) => (
              <tr key={ch.id}>
                <th scope="row">{ch.name}</th>
                {KINDS.map((k) => {
                  const f = form[ch.id]![k.id]!;
                  return (
                    <td key={k.id}>
                      <span className="limit-cell">
                        <input type="checkbox" aria-label={`${k.name} allowed on ${ch.name}`} checked={f.allowed} onChange={(e) => set(ch.id, k.id, { allowed: e.target.checked })} />
                        <input
                          type="number"
                          inputMode="decimal"
                          min={0.001}
                          max={100}
                          step="any"
                          aria-label={`Largest ${k.name.toLowerCase()} on ${ch.name} (MB)`}
                          value={f.mb}
                          disabled={!f.allowed}
                          onChange={(e) => set(ch.id, k.id, { mb: e.target.value })}
                        />
                      </span>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
        <SaveFooter errors={errors} busy={busy} label="Save channels" />
      </form>
    </Card>
  );
}

// ------------------------------------------------------------ office hours (the widget)

const WEEK: Array<{ id: 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'; name: string }> = [
  { id: 'mon', name: 'Monday' },
  { id: 'tue', name: 'Tuesday' },
  { id: 'wed', name: 'Wednesday' },
  { id: 'thu', name: 'Thursday' },
  { id: 'fri', name: 'Friday' },
  { id: 'sat', name: 'Saturday' },
  { id: 'sun', name: 'Sunday' },
];
type Interval = { open: string; close: string };

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Seed 003: when the widget says you are open, the hours it lists, and what it says when you are closed. */
function OfficeHours({ fail, toast }: { fail: (e: unknown) => void; toast: Props['toast'] }) {
  const [w, setW] = useState<{ alwaysOpen: boolean; timezone: string; days: Partial<Record<string, Interval[]>>; awayMessage: string } | null>(null);
  const { errors, busy, submit } = useSaving();
  const load = (r: WidgetSettingsView) => setW({ alwaysOpen: r.alwaysOpen, timezone: r.officeHours.timezone, days: r.officeHours.days, awayMessage: r.awayMessage });
  useEffect(() => {
    api.widgetSettings().then(load, fail);
  }, [fail]);
  if (!w) return <p className="muted">Loading…</p>;
  const setDay = (day: string, list: Interval[]) => setW({ ...w, days: { ...w.days, [day]: list } });

  async function save(e: FormEvent) {
    e.preventDefault();
    const problems: string[] = [];
    if (!validTimeZone(w!.timezone.trim())) problems.push(`“${w!.timezone}” is not a time zone: use a name like Europe/Paris or America/New_York.`);
    const days: Record<string, Interval[]> = {};
    for (const d of WEEK) {
      const list = w!.days[d.id] ?? [];
      list.forEach((iv, i) => {
        if (!/^\d\d:\d\d$/.test(iv.open) || !/^\d\d:\d\d$/.test(iv.close)) problems.push(`${d.name}: enter an opening and a closing time.`);
        else if (iv.open === iv.close) problems.push(`${d.name}: the closing time must differ from the opening time${list.length > 1 ? ` (hours ${i + 1})` : ''}.`);
      });
      if (list.length) days[d.id] = list;
    }
    await submit(
      problems,
      async () => {
        load(await api.updateWidgetSettings({ alwaysOpen: w!.alwaysOpen, officeHours: { timezone: w!.timezone.trim(), days }, awayMessage: w!.awayMessage.trim() }));
        toast('Office hours saved. The widget shows them at once.', 'info');
      },
      'The office hours were not saved. Try again.',
    );
  }

  return (
    <Card title="Office hours">
      <form className="office-hours" aria-label="Office hours" onSubmit={(e) => void save(e)} noValidate>
        <label className="check">
          <input type="checkbox" checked={w.alwaysOpen} onChange={(e) => setW({ ...w, alwaysOpen: e.target.checked })} />
          Always open (ignore the hours below)
        </label>
        <label className="field">
          <span>Time zone</span>
          <input value={w.timezone} maxLength={64} placeholder="Europe/Paris" onChange={(e) => setW({ ...w, timezone: e.target.value })} />
        </label>
        <table className="admin-table" aria-label="Opening hours per weekday">
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Hours</th>
            </tr>
          </thead>
          <tbody>
            {WEEK.map((d) => {
              const list = w.days[d.id] ?? [];
              return (
                <tr key={d.id}>
                  <th scope="row">
                    <label className="check">
                      <input type="checkbox" aria-label={`Open on ${d.name}`} checked={list.length > 0} onChange={(e) => setDay(d.id, e.target.checked ? [{ open: '09:00', close: '17:00' }] : [])} />
                      {d.name}
                    </label>
                  </th>
                  <td>
                    {!list.length && <span className="muted">Closed</span>}
                    {list.map((iv, i) => {
                      const n = list.length > 1 ? ` ${i + 1}` : '';
                      const put = (patch: Partial<Interval>) => setDay(d.id, list.map((x, j) => (j === i ? { ...x, ...patch } : x)));
                      return (
                        <span key={i} className="hours-interval">
                          <input type="time" aria-label={`${d.name} opens${n}`} value={iv.open} onChange={(e) => put({ open: e.target.value })} />
                          <span aria-hidden="true">–</span>
                          <input type="time" aria-label={`${d.name} closes${n}`} value={iv.close} onChange={(e) => put({ close: e.target.value })} />
                          {list.length > 1 && (
                            <button type="button" className="btn small" aria-label={`Remove ${d.name} hours${n}`} onClick={() => setDay(d.id, list.filter((_, j) => j !== i))}>
                              ✕
                            </button>
                          )}
                        </span>
                      );
                    })}
                    {list.length > 0 && list.length < 4 && (
                      <button type="button" className="btn small" aria-label={`Add hours on ${d.name}`} onClick={() => setDay(d.id, [...list, { open: '13:00', close: '17:00' }])}>
                        + Hours
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <label className="field">
          <span>Away message (shown by the widget outside office hours)</span>
          <textarea rows={2} maxLength={300} value={w.awayMessage} placeholder="We are closed now" onChange={(e) => setW({ ...w, awayMessage: e.target.value })} />
        </label>
        <SaveFooter errors={errors} busy={busy} label="Save office hours" />
      </form>
    </Card>
  );
}
