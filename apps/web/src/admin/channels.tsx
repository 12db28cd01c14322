import { useEffect, useState, type FormEvent } from 'react';
import type { ChannelAttachmentLimits, ChannelSettings, WidgetSettingsView } from '@switchboard/client';
import { api } from '../api.ts';
import { Card, SaveFooter, useSaving, type Toast } from './parts.tsx';

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
export function Channels({ fail, toast }: { fail: (e: unknown) => void; toast: Toast }) {
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
export function OfficeHours({ fail, toast }: { fail: (e: unknown) => void; toast: Toast }) {
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
