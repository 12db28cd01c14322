/** Seed 000 in one folder: the workspace hooks in through these names only. */
export { DiscussContext, useDiscuss, useDiscussRoot } from './state.tsx';
export { DiscussDock } from './Dock.tsx';
export { AssignDiscussButton, ConsultantNotice, useConsulting } from './Hooks.tsx';
export { TrackingSection } from './Tracking.tsx';
export { RequestSettingsForm, TrackingList } from './Admin.tsx';
import './discuss.css';
