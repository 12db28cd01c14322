import client from 'prom-client';
import { registry } from '../../metrics.ts';

/** Email channel figures on /metrics. */
export const emailMetrics = {
  received: new client.Counter({ name: 'switchboard_email_received_total', help: 'Emails received', labelNames: ['via', 'outcome'] as const, registers: [registry] }),
  ingestSeconds: new client.Histogram({
    name: 'switchboard_email_ingest_seconds',
    help: 'From the end of DATA to stored',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  }),
  sent: new client.Counter({ name: 'switchboard_email_sent_total', help: 'Emails sent', labelNames: ['outcome'] as const, registers: [registry] }),
};
