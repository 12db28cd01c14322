import { useState, type FormEvent } from 'react';
import type { User } from '@switchboard/client';
import type { Directory } from '../stores/directory.ts';
import { api } from '../api.ts';
import { Modal } from '../ui.tsx';
import { Card, CheckboxSet } from './parts.tsx';

type Toast = (text: string, kind?: 'error' | 'info') => void;


const ROLE_LABEL: Record<User['role'], string> = { admin: 'Administrator', supervisor: 'Supervisor', agent: 'Agent' };

/** Everyone in the workspace; administrators change roles, names, queues and who may sign in. Supervisors only look. */
export function Users({ dir, reload, fail, toast }: { dir: Directory; reload: () => void; fail: (e: unknown) => void; toast: Toast }) {
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
            {dir.users.filter((u) => u.kind !== 'bot').map((u) => (
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

function EditUser({ user, dir, reload, fail, toast, onDone }: { user: User; dir: Directory; reload: () => void; fail: (e: unknown) => void; toast: Toast; onDone: () => void }) {
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
