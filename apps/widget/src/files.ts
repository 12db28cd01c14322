import { h } from './dom.ts';
import { changed, client } from './state.ts';

/**
 * Files are read with the visitor token, a header an <img> or a link cannot send (the server gives
 * each customer their own conversation's files only), then shown from memory: a picture inline,
 * anything else as a download under its name.
 */
const fileBlobs = new Map<string, string>();
const fileFetches = new Set<string>();

export function fileLink(a: { url: string; name: string; contentType: string }, content: Node | string, cls?: string): HTMLAnchorElement {
  const blob = fileBlobs.get(a.url);
  const image = typeof content !== 'string' && content instanceof HTMLImageElement;
  if (blob && image) content.src = blob;
  if (!blob && !fileFetches.has(a.url)) {
    fileFetches.add(a.url);
    void client
      .file(a.url)
      .then((b) => {
        if (!b) return;
        fileBlobs.set(a.url, URL.createObjectURL(b));
        changed();
      })
      .catch(() => {});
  }
  return h('a', { ...(blob ? { href: blob } : {}), ...(image ? { target: '_blank', rel: 'noopener' } : { download: a.name }), ...(cls ? { class: cls } : {}) }, content);
}
