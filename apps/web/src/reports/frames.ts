/**
 * The workspace's one stream hands every frame here too; the live view listens while it is shown,
 * so it moves with the stream instead of polling.
 */
type Listener = (type: string, data: unknown) => void;
const listeners = new Set<Listener>();

export const reportFrames = {
  dispatch(type: string, data: unknown): void {
    for (const l of listeners) l(type, data);
  },
  listen(l: Listener): () => void {
    listeners.add(l);
    return () => listeners.delete(l);
  },
};
