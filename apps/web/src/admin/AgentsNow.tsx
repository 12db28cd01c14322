import type { Directory } from '../stores/directory.ts';
import { STATUS_LABEL } from '../routing/statuses.ts';
import { Card } from './parts.tsx';


export function AgentsNow({ dir }: { dir: Directory }) {
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
