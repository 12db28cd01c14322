/** The p-th percentile (0..1) of some figures, nearest rank; 0 for none. */
export function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]! : 0;
}

/** A read timed `rounds` times after one warm-up (statement caches, pages in memory): wall and this process's CPU, in ms. */
export async function sample(rounds: number, fn: () => Promise<unknown>): Promise<{ ms: number[]; cpu: number[] }> {
  await fn();
  const ms: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    await fn();
    const used = process.cpuUsage(c);
    ms.push(performance.now() - t);
    cpu.push((used.user + used.system) / 1000);
  }
  return { ms, cpu };
}
