import type { Queue } from '@switchboard/client';
import { createStore, useStore } from './store.ts';

/** The queues (routing mode, members); reloaded with the directory (users.ts). */
export const queues = createStore<Queue[]>(() => []);
export const useQueues = () => useStore(queues);
