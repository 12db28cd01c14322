import { createServer } from './server.ts';
import { readConfig } from './config.ts';
import { ensureAdmin, ensureBuiltins, retireDemoAccounts, seedDemo, seedDemoBot, DEMO_USERS, DEMO_PASSWORD, DEMO_INBOX_ADDRESS, DEMO_SMTP_PORT } from './demo/seed.ts';

const config = readConfig();
// The demo receives email out of the box (SMTP_PORT= empty turns it off).
if (config.demo && config.smtpPort === undefined && process.env.SMTP_PORT === undefined) config.smtpPort = DEMO_SMTP_PORT;
const server = await createServer({ config });
const { store, clock, log } = server.services;
await ensureBuiltins(store);
const knownAdminPassword = !process.env.ADMIN_PASSWORD;
const createdAdmin = await ensureAdmin(store, clock, config.adminEmail, config.adminPassword, knownAdminPassword && !config.demo);
if (config.demo && createdAdmin) {
  await seedDemo(store, clock);
  await seedDemoBot(server.services);
}
const retired = config.demo ? 0 : await retireDemoAccounts(store);

await server.app.listen({ port: config.port, host: config.host });
const url = `http://localhost:${config.port}`;
const lines = [
  '',
  `  Switchboard is running at ${url}`,
  `  API reference: ${url}/api/docs   (OpenAPI: ${url}/api/openapi.json)`,
  config.host === '127.0.0.1' || config.host === 'localhost' || config.host === '::1'
    ? `  Listening on ${config.host} only: other machines cannot reach it (set HOST=0.0.0.0 to open it, after changing every known password)`
    : `  Listening on ${config.host}: reachable from other machines`,
  ...(retired ? [`  DEMO_DATA is off: ${retired} demo account(s) deactivated`] : []),
  `  Database: ${store.dialect === 'sqlite' ? `SQLite (${config.dataDir}/switchboard.db)` : 'PostgreSQL'}${config.redisUrl ? ', Redis fan-out on' : ''}`,
  '',
  `  Sign in as ${config.adminEmail}${createdAdmin || knownAdminPassword ? ` / ${config.adminPassword}` : ''} (admin)${knownAdminPassword && !config.demo ? ', then choose a new password' : ''}`,
  ...(config.demo ? DEMO_USERS.map((u) => `          or ${u.email} / ${DEMO_PASSWORD} (${u.role})`) : []),
  ...(server.email.smtp ? ['', `  Email: SMTP listener on port ${server.email.smtp.port}${config.demo ? `; write to ${DEMO_INBOX_ADDRESS} (see README, "Email")` : ''}`] : []),
  '',
];
process.stdout.write(lines.join('\n') + '\n');

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    log.info({ sig, graceMs: config.shutdownGraceMs }, 'shutting down: draining, then finishing in-flight requests');
    server.close({ graceMs: config.shutdownGraceMs }).then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
