/**
 * The one script a site embeds (see README "Chat widget"). It adds a launcher button and the chat in
 * an iframe served by Switchboard, and exposes `window.Switchboard`: open, close, toggle, setUser,
 * setCustomAttributes, setLocale, portal. Calls made before it loads are queued by the snippet.
 */
type User = { id: string; hash?: string; name?: string; email?: string };
type Api = ((cmd: string, ...args: unknown[]) => unknown) & Record<string, unknown> & { q?: unknown[][] };

(() => {
  const w = window as unknown as { Switchboard?: Api; __switchboardLoaded?: boolean };
  if (w.__switchboardLoaded) return;
  w.__switchboardLoaded = true;
  const script = (document.currentScript as HTMLScriptElement | null) ?? (document.querySelector('script[src*="widget.js"]') as HTMLScriptElement | null);
  const origin = script ? new URL(script.src, location.href).origin : location.origin;
  const queued = w.Switchboard?.q ?? [];
  const st: { user: User | null; attributes: Record<string, string>; locale: string; open: boolean } = {
    user: null,
    attributes: {},
    locale: navigator.language || 'en',
    open: false,
  };
  const frames: HTMLIFrameElement[] = [];

  const src = (mode: string) =>
    `${origin}/widget/frame.html?mode=${mode}&host=${encodeURIComponent(location.origin)}&page=${encodeURIComponent(location.href.slice(0, 1000))}`;
  const post = (f: HTMLIFrameElement, msg: object) => f.contentWindow?.postMessage({ sb: true, ...msg }, origin);
  const broadcast = (msg: object) => frames.forEach((f) => post(f, msg));
  // The visitor token is also kept in the site's own storage: browsers may partition or block an
  // iframe's storage, and a reload must still find the chat.
  const KEY = 'sb_visitor';
  const stored = () => {
    try {
      return JSON.parse(localStorage.getItem(KEY) ?? 'null');
    } catch {
      return null;
    }
  };
  const init = () => ({ type: 'init', user: st.user, attributes: st.attributes, locale: st.locale, page: location.href.slice(0, 1000), saved: stored() });

  // The launcher and the floating chat.
  const launcher = document.createElement('button');
  launcher.type = 'button';
  launcher.setAttribute('aria-label', 'Open chat');
  launcher.setAttribute('data-switchboard-launcher', '');
  launcher.innerHTML =
    '<svg width="26" height="26" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" aria-hidden="true"><path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z"/></svg><span data-badge style="display:none;position:absolute;top:-4px;right:-4px;background:#ef4444;color:#fff;border-radius:10px;font:600 11px/18px system-ui;min-width:18px;padding:0 4px"></span>';
  Object.assign(launcher.style, {
    position: 'fixed', right: '20px', bottom: '20px', width: '56px', height: '56px', borderRadius: '50%', border: '0', cursor: 'pointer',
    background: '#2563eb', color: '#fff', boxShadow: '0 4px 16px rgba(0,0,0,.25)', zIndex: '2147483000', display: 'flex', alignItems: 'center', justifyContent: 'center',
  });
  const badge = launcher.querySelector('[data-badge]') as HTMLElement;

  const chat = document.createElement('iframe');
  chat.title = 'Chat';
  chat.src = src('widget');
  chat.setAttribute('allow', 'clipboard-write');
  Object.assign(chat.style, {
    position: 'fixed', right: '20px', bottom: '88px', width: 'min(380px, calc(100vw - 40px))', height: 'min(600px, calc(100vh - 110px))', border: '0',
    borderRadius: '14px', boxShadow: '0 8px 32px rgba(0,0,0,.25)', zIndex: '2147483000', background: '#fff', display: 'none',
  });
  frames.push(chat);

  const setOpen = (open: boolean) => {
    st.open = open;
    chat.style.display = open ? 'block' : 'none';
    launcher.setAttribute('aria-label', open ? 'Close chat' : 'Open chat');
    launcher.setAttribute('aria-expanded', String(open));
    post(chat, { type: open ? 'open' : 'close' });
  };

  addEventListener('message', (e: MessageEvent) => {
    if (e.origin !== origin || !e.data?.sb) return;
    const f = frames.find((x) => x.contentWindow === e.source);
    if (!f) return;
    if (e.data.type === 'ready') post(f, init());
    else if (e.data.type === 'close') setOpen(false);
    else if (e.data.type === 'token') {
      try {
        localStorage.setItem(KEY, JSON.stringify({ token: String(e.data.token), userId: e.data.userId ?? null }));
      } catch {
        /* storage blocked: the frame's own copy may still work */
      }
    }
    else if (e.data.type === 'unread') {
      const n = Number(e.data.count) || 0;
      badge.textContent = String(n);
      badge.style.display = n && !st.open ? 'block' : 'none';
    } else if (e.data.type === 'color' && /^#[0-9a-f]{6}$/i.test(e.data.color)) launcher.style.background = e.data.color;
  });
  launcher.addEventListener('click', () => setOpen(!st.open));

  const mount = () => {
    document.body.appendChild(chat);
    document.body.appendChild(launcher);
  };
  if (document.body) mount();
  else addEventListener('DOMContentLoaded', mount);

  const commands: Record<string, (...a: any[]) => void> = {
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!st.open),
    /** `{ id, hash, name, email }`: hash is the hex HMAC-SHA256 of id with the identity secret. */
    setUser: (user: User | null) => {
      st.user = user ? { id: String(user.id), hash: user.hash, name: user.name, email: user.email } : null;
      broadcast({ type: 'user', user: st.user });
    },
    setCustomAttributes: (attrs: Record<string, unknown>) => {
      for (const [k, v] of Object.entries(attrs ?? {})) st.attributes[k] = String(v);
      broadcast({ type: 'attributes', attributes: st.attributes });
    },
    setLocale: (locale: string) => {
      st.locale = String(locale);
      broadcast({ type: 'locale', locale: st.locale });
    },
    /** Mounts the client portal (new support request, your tickets) inside an element. */
    portal: (target: string | HTMLElement) => {
      const el = typeof target === 'string' ? document.querySelector(target) : target;
      if (!el) return;
      const f = document.createElement('iframe');
      f.title = 'Support portal';
      f.src = src('portal');
      Object.assign(f.style, { width: '100%', height: '100%', minHeight: '520px', border: '0' });
      frames.push(f);
      el.appendChild(f);
      launcher.style.display = 'none';
    },
  };
  const api = ((cmd: string, ...args: unknown[]) => commands[cmd]?.(...args)) as Api;
  for (const [k, fn] of Object.entries(commands)) api[k] = fn;
  w.Switchboard = api;
  for (const args of queued) api(...(args as [string, ...unknown[]]));
})();
