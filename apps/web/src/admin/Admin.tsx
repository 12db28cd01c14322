import type { Directory } from '../stores/directory.ts';
import { navigate } from '../router/router.ts';
import { AgentsNow } from './AgentsNow.tsx';
import { Users } from './Users.tsx';
import { Queues } from './Queues.tsx';
import { TagsAndLabels } from './TagsAndLabels.tsx';
import { Canned, Rules } from './composer.tsx';
import { Channels, OfficeHours } from './channels.tsx';
import { Webhooks } from './webhooks.tsx';
import { Groups, IntegrationTokens } from './access.tsx';
import { Bots } from './bots.tsx';
import { Inboxes } from './Inboxes.tsx';
import { WidgetSites } from './WidgetSites.tsx';
import { WidgetAppearance } from './widgetAppearance.tsx';
import { RequestSettingsForm, TrackingList } from '../discuss/index.ts';

type Tab = 'agents' | 'users' | 'queues' | 'inboxes' | 'widget' | 'tags' | 'canned' | 'rules' | 'channels' | 'hours' | 'requests' | 'integrations' | 'groups' | 'bots' | 'tracking';
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
  { tab: 'widget', label: 'Chat widget', admin: true },
  { tab: 'requests', label: 'Assign/Discuss settings', admin: true },
  { tab: 'integrations', label: 'Integrations', admin: true },
  { tab: 'groups', label: 'Groups', admin: true },
  { tab: 'bots', label: 'Bots', admin: true },
  { tab: 'tracking', label: 'Tracking records', admin: false },
];

interface Props {
  dir: Directory;
  /** The section in the address (`/admin/users`); the first one when absent or not allowed. */
  section?: string;
  reloadDirectory: () => void;
  fail: (e: unknown) => void;
  toast: (text: string, kind?: 'error' | 'info') => void;
}

/** Administration (admins) and the supervisor view of agents' status and load, live. */
export function Admin({ dir, section, reloadDirectory, fail, toast }: Props) {
  const isAdmin = dir.me.role === 'admin';
  const tabs = TABS.filter((t) => isAdmin || !t.admin);
  const tab: Tab = tabs.find((t) => t.tab === section)?.tab ?? 'agents';
  const setTab = (t: Tab) => navigate(t === 'agents' ? '/admin' : `/admin/${t}`);
  return (
    <main className="admin" aria-label="Administration">
      <h1 className="sr-only">Administration</h1>
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
        {tab === 'widget' && <WidgetAppearance fail={fail} toast={toast} />}
        {tab === 'requests' && <RequestSettingsForm fail={fail} toast={toast} />}
        {tab === 'integrations' && <><Webhooks fail={fail} toast={toast} /><IntegrationTokens fail={fail} toast={toast} /></>}
        {tab === 'groups' && <Groups users={dir.users.filter((u) => u.kind !== 'bot')} fail={fail} toast={toast} />}
        {tab === 'bots' && <Bots queues={dir.queues} fail={fail} toast={toast} onChanged={reloadDirectory} />}
        {tab === 'tracking' && <TrackingList users={dir.users} queues={dir.queues} fail={fail} />}
      </div>
    </main>
  );
}
