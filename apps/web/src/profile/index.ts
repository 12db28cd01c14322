import { lazy } from 'react';

/** The profile page, loaded as its own chunk when first opened; preferences are read at start. */
export const ProfilePage = lazy(() => import('./ProfilePage.tsx'));
export { loadPreferences } from './preferences.ts';
export { UserAvatar } from './UserAvatar.tsx';
