/**
 * Preloaded into a target process by bench/sockets.ts (`node --expose-gc --import tsx --import
 * ./bench/socketsProbe.ts bench/targets/<kind>.ts`): answers `{type:'memory'}` over IPC with the
 * process's memory after a full collection, so the targets themselves need not know about it.
 */
import v8 from 'node:v8';

export interface MemoryReport {
  type: 'memory';
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** V8 heap spaces: bytes used in each (old, code, large objects…). */
  spaces: Record<string, number>;
}

const collect = (globalThis as { gc?: () => void }).gc;

process.on('message', (m: { type?: string }) => {
  if (m?.type !== 'memory') return;
  // Twice: the first pass finalizes what the second then frees; then let the allocator settle.
  collect?.();
  collect?.();
  setTimeout(() => {
    const u = process.memoryUsage();
    const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size]));
    const report: MemoryReport = { type: 'memory', rss: u.rss, heapUsed: u.heapUsed, heapTotal: u.heapTotal, external: u.external, arrayBuffers: u.arrayBuffers, spaces };
    process.send?.(report);
  }, 200);
});
