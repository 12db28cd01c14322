import { lazy } from 'react';

/** The Tickets screen, whole in this folder, loaded as its own chunk when first opened. */
export const Tickets = lazy(() => import('./TicketsScreen.tsx'));
