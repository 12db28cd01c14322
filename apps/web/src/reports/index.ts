import { lazy } from 'react';

/**
 * The Reports screen, whole in this folder. The workspace reaches it only through this file: the
 * screen (and uPlot, its chart library) is a separate chunk loaded when Reports is opened.
 */
export const Reports = lazy(() => import('./ReportsScreen.tsx'));
export { reportFrames } from './frames.ts';
