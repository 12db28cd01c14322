import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { App } from './app.ts';
import type { Services } from './services.ts';
import { builtAssets } from './assets.ts';
import { widgetRoutes } from './routes/widget.ts';
import { customerServiceRoutes } from './routes/customerService.ts';
import { VisitorGateway } from '../realtime/visitorGateway.ts';
import { identityHash, loadWidgetSettings } from '../actions/visitors.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const WIDGET_DIST = path.resolve(here, '../../../widget/dist');

/** The demo customer of /demo/portal: a signed-in user of the (pretend) client portal. */
export const DEMO_PORTAL_USER = { id: 'demo-customer-1', name: 'Dana Scully', email: 'dana@example.org' };

const page = (title: string, body: string, script: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title>
<style>
body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1f2937;background:#f8fafc}
header{background:#0f172a;color:#fff;padding:18px 32px;display:flex;gap:24px;align-items:center}
header b{font-size:20px} header a{color:#cbd5e1;text-decoration:none}
main{max-width:880px;margin:32px auto;padding:0 24px}
.hero{background:linear-gradient(120deg,#dbeafe,#ede9fe);border-radius:16px;padding:40px}
.hero h1{margin:0 0 8px;font-size:34px} .cards{display:grid;grid-template-columns:repeat(3,1fr);gap:16px;margin-top:24px}
.card{background:#fff;border-radius:12px;padding:18px;box-shadow:0 1px 3px #0001}
#support{height:640px;background:#fff;border-radius:12px;box-shadow:0 1px 3px #0001;overflow:hidden}
</style></head><body>
<header><b>Acme Rockets</b><a href="/demo">Shop</a><a href="/demo/portal">Client portal</a></header>
<main>${body}</main>
<!-- Switchboard chat widget -->
<script src="/widget.js" async></script>
<script>window.Switchboard=window.Switchboard||function(){(Switchboard.q=Switchboard.q||[]).push(arguments)};${script}</script>
</body></html>`;

/**
 * Issue 3, registered from app.ts: the visitor API and the agents' chat-request and ticket routes,
 * the customer stream, the widget's files (/widget.js, /widget/…) and the demo pages (/demo).
 */
export async function registerCustomerSide(app: App, s: Services): Promise<VisitorGateway> {
  await app.register(
    async (api) => {
      await api.register(widgetRoutes(s));
      await api.register(customerServiceRoutes(s));
    },
    { prefix: '/api/v1' },
  );
  const visitors = new VisitorGateway(s);
  visitors.register(app);
  app.addHook('preClose', async () => visitors.closeAll());

  // The loader is served without a hash in its name (sites embed a fixed URL), so it is revalidated.
  app.get('/widget.js', { schema: { hide: true } }, async (req, reply) => {
    const file = path.join(WIDGET_DIST, 'loader.js');
    if (!fs.existsSync(file)) return reply.code(404).type('text/plain').send('The widget is not built: run npm run build.');
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').header('access-control-allow-origin', '*').header('vary', 'accept-encoding');
    // The build's brotli or gzip copy, as for every other built file (http/assets.ts).
    const accepted = String(req.headers['accept-encoding'] ?? '').split(',').map((e) => e.split(';')[0]!.trim());
    for (const [encoding, ext] of [['br', '.br'], ['gzip', '.gz']] as const) {
      if (accepted.includes(encoding) && fs.existsSync(file + ext)) return reply.header('content-encoding', encoding).send(fs.readFileSync(file + ext));
    }
    return reply.send(fs.readFileSync(file));
  });
  if (fs.existsSync(WIDGET_DIST)) {
    await app.register(fastifyStatic, { ...builtAssets(WIDGET_DIST), prefix: '/widget/', decorateReply: false, index: false });
  }

  // The demo pages exist only with the demo data (DEMO_DATA); a real deployment serves none of them.
  if (s.config.demo) registerDemoPages(app, s);
  return visitors;
}

function registerDemoPages(app: App, s: Services): void {
  app.get('/demo', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/html').send(
      page(
        'Acme Rockets — demo shop',
        `<div class="hero"><h1>Rockets for every budget</h1><p>This pretend shop embeds the Switchboard chat widget with one script tag. Click the chat button in the corner.</p></div>
<div class="cards"><div class="card"><b>Model S-1</b><p>Suborbital fun for the family.</p></div><div class="card"><b>Model H-2</b><p>Heavy lift, light price.</p></div><div class="card"><b>Support</b><p>Questions? Chat with us.</p></div></div>`,
        '',
      ),
    ),
  );

  app.get('/demo/portal', { schema: { hide: true } }, async (_req, reply) => {
    // The portal signs its user's id with the identity secret. An anonymous page view never makes
    // one (that is an administrator's setting): without it the portal's customer is not signed in.
    const settings = await loadWidgetSettings(s.store.db);
    if (!settings.identitySecret) {
      return reply
        .type('text/html')
        .send(page('Acme Rockets — client portal', `<h1>Client portal</h1><p>Set an identity secret (Administration → Widget) to sign the demo customer in.</p><div id="support"></div>`, `Switchboard('portal','#support');`));
    }
    const user = { ...DEMO_PORTAL_USER, hash: identityHash(settings.identitySecret, DEMO_PORTAL_USER.id) };
    return reply
      .type('text/html')
      .send(
        page(
          'Acme Rockets — client portal',
          `<h1>Client portal</h1><p>Signed in as ${DEMO_PORTAL_USER.name}. Start a new support request or open one of your tickets.</p><div id="support"></div>`,
          `Switchboard('setUser',${JSON.stringify(user)});Switchboard('portal','#support');`,
        ),
      );
  });
}
