import { describe, expect, it } from 'vitest';
import { TokenCache } from '../src/http/tokenCache.ts';
import type { Auth } from '../src/http/auth.ts';

const auth = { via: 'token', tokenId: 1 } as unknown as Auth;

describe('token cache', () => {
  it('does not keep a sign-in looked up before an access change cleared the cache', async () => {
    const cache = new TokenCache();
    let answer!: () => void;
    const lookup = cache.lookUpOnce('h', async (generation) => {
      await new Promise<void>((r) => (answer = r));
      cache.set('h', auth, null, generation);
      return auth;
    });
    cache.clear(); // e.g. the token's user was deactivated while the lookup ran
    answer();
    await lookup;
    expect(cache.get('h')).toBeNull();
  });

  it('shares one lookup among requests that missed together, and keeps its answer', async () => {
    const cache = new TokenCache();
    let loads = 0;
    const load = async (generation: number) => {
      loads++;
      await new Promise((r) => setTimeout(r, 10));
      cache.set('h', auth, null, generation);
      return auth;
    };
    const answers = await Promise.all([cache.lookUpOnce('h', load), cache.lookUpOnce('h', load), cache.lookUpOnce('h', load)]);
    expect(answers).toEqual([auth, auth, auth]);
    expect(loads).toBe(1);
    expect(cache.get('h')?.auth).toBe(auth);
  });
});
