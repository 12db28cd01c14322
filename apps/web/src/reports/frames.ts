import type { DataFrame } from '@switchboard/protocol';

/**
 * The workspace's one stream hands every frame here too; the live view listens while it is shown,
 * so it moves with the stream instead of polling.
 */
type Listener = (frame: DataFrame) => void;
const listeners = new Set<Listener>();

export const reportFrames = {
  dispatch(frame: DataFrame): void {
    for (const l of listeners) l(frame);
  },
  listen(l: Listener): () => void {
    listeners.add(l);
    return () => listeners.delete(l);
  },
};
