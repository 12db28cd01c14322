import type { Auth } from './auth.ts';

export interface CachedToken {
  auth: Auth;
  expiresAt: number | null;
}

/** How long a looked-up API token stands without asking the database again. */
export const TOKEN_CACHE_MS = 2000;

/**
 * API-token sign-ins, kept for a moment: an integration or channel adapter posting a burst of
 * messages costs one token lookup (two queries) per burst instead of per request. Anything that
 * changes who may do what clears it on every node (see `changesAccess`); a direct database edit is
 * seen within TOKEN_CACHE_MS. Browser sessions are never cached (their CSRF token and expiry matter).
 */
export class TokenCache {
  private readonly entries = new Map<string, { hit: CachedToken; until: number }>();
  private readonly loading = new Map<string, Promise<unknown>>();
  /** Bumped by `clear`: a lookup begun before an access change must not be kept after it. */
  private generation = 0;

  constructor(
    private readonly ttlMs = TOKEN_CACHE_MS,
    private readonly max = 5000,
  ) {}

  get(tokenHash: string): CachedToken | null {
    const hit = this.entries.get(tokenHash);
    if (!hit) return null;
    if (hit.until <= performance.now()) {
      this.entries.delete(tokenHash);
      return null;
    }
    return hit.hit;
  }

  /**
   * One lookup per token at a time: when an entry runs out under a burst, every request in flight
   * would miss together and each ask the database (794 lookups of one token in 15 s at 400 msg/s).
   * `load` gets the generation to hand to `set`.
   */
  lookUpOnce<T>(tokenHash: string, load: (generation: number) => Promise<T>): Promise<T> {
    const running = this.loading.get(tokenHash) as Promise<T> | undefined;
    if (running) return running;
    const p = load(this.generation).finally(() => {
      if (this.loading.get(tokenHash) === p) this.loading.delete(tokenHash);
    });
    this.loading.set(tokenHash, p);
    return p;
  }

  /** `expiresAt`: the token's own expiry, checked on every hit, so a cached token expires on time. */
  set(tokenHash: string, auth: Auth, expiresAt: number | null = null, generation = this.generation): void {
    if (generation !== this.generation) return; // looked up before access changed: may be stale
    if (this.entries.size >= this.max) this.entries.clear();
    this.entries.set(tokenHash, { hit: { auth, expiresAt }, until: performance.now() + this.ttlMs });
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
    this.loading.clear();
  }
}

/** Event types after which cached sign-ins may be wrong (roles, memberships, deactivation). */
export function changesAccess(type: string, data: string): boolean {
  return type === 'membership.changed' || type === 'credential.ended' || (type === 'directory.changed' && /"kind":"(user|group)"/.test(data));
}
