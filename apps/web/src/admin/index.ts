import { lazy } from 'react';

/**
 * The Admin screen. The workspace reaches it only through this file: Admin (with the channel,
 * webhook and inbox settings and the schemas they import) is a separate chunk loaded when Admin is
 * opened, which keeps the agents' first screen small (ARCHITECTURE.md, "Delivery").
 */
export const Admin = lazy(() => import('./Admin.tsx').then((m) => ({ default: m.Admin })));
