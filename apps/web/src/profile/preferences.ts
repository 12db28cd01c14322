import type { Preferences } from '@switchboard/protocol';
import { profileApi } from './api.ts';

/**
 * The signed-in user's alert preferences, as the alerting code asks them (notify.ts): loaded once
 * when the workspace starts, replaced when the profile page saves. Until loaded, everything is on
 * (the server's defaults), so a slow start never silences an offer.
 */
let current: Preferences = { notifyOffers: true, notifyMessages: true, sound: true };

export function preferences(): Preferences {
  return current;
}

export function setPreferences(p: Preferences): void {
  current = p;
}

export function loadPreferences(): void {
  profileApi.get().then(
    (p) => setPreferences(p.preferences),
    () => {},
  );
}
