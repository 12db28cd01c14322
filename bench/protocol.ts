/** What a target process (switchboard or baseline) tells the load generator once it listens. */
export interface TargetReady {
  type: 'ready';
  /** http://127.0.0.1:port */
  url: string;
  /** POST path taking one customer message. */
  inboundPath: string;
  /** Headers for every inbound POST (Bearer token). */
  headers: Record<string, string>;
  /** One WebSocket URL per agent (each carries that agent's credentials). */
  streamUrls: string[];
  /** Headers for each stream socket (e.g. the agent's Bearer token), by index; none if absent. */
  streamHeaders?: Array<Record<string, string>>;
  /** Extra facts to print (e.g. whether Redis is on). */
  notes: string[];
}

export interface TargetArgs {
  engine: 'sqlite' | 'postgres';
  agents: number;
  pgUrl: string;
  /** PostgreSQL schema the target creates and drops. */
  pgSchema: string;
  redisUrl?: string;
}

/**
 * Parent → child: stop and exit (child → parent: `{type:'stopped'}` just before it exits), or report
 * this process's CPU time so far (child → parent: `CpuReport`).
 */
export type ParentMessage = { type: 'stop' } | { type: 'cpu' };

/** The target process's CPU time since it started, in ms (user + system). */
export interface CpuReport {
  type: 'cpu';
  cpuMs: number;
  /** Of it, in the kernel (system calls: sockets, fsync). */
  systemMs: number;
  rssBytes: number;
}

/** Reads the target arguments the parent passed as JSON in argv[2]. */
export function targetArgs(): TargetArgs {
  return JSON.parse(process.argv[2] ?? '{}') as TargetArgs;
}

/** Standard child lifecycle: tell the parent we are ready, stop on request (or when the parent dies). */
export function serveUntilStopped(ready: TargetReady, stop: () => Promise<void>): void {
  let stopping = false;
  const finish = (code: number) => {
    if (stopping) return;
    stopping = true;
    stop()
      .catch((err) => console.error('target stop failed:', err))
      .finally(() => {
        if (process.connected) process.send!({ type: 'stopped' }, () => process.exit(code));
        else process.exit(code);
      });
  };
  process.on('message', (m: ParentMessage) => {
    if (m?.type === 'stop') finish(0);
    if (m?.type === 'cpu') {
      const u = process.cpuUsage();
      const report: CpuReport = { type: 'cpu', cpuMs: (u.user + u.system) / 1000, systemMs: u.system / 1000, rssBytes: process.memoryUsage.rss() };
      process.send!(report);
    }
  });
  process.on('disconnect', () => finish(0));
  process.on('SIGTERM', () => finish(0));
  process.send!(ready);
}
