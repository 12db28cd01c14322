import type { EventScope } from '@switchboard/core';
import type { SignalData, SignalType } from '@switchboard/protocol';

/**
 * An ephemeral signal: stale in seconds (typing indicators), so it is never a committed row. It goes
 * to this node's sockets at once and to other nodes' through Redis pub/sub; without Redis it reaches
 * only this node's sockets, and a lost one is harmless (clients let a typing indicator lapse by
 * itself). The gateways judge each one by the same audience rule as durable events.
 */
export type Signal = { [T in SignalType]: { type: T; scope: EventScope; data: SignalData<T>; at: number } }[SignalType];

export type SignalSubscriber = (signal: Signal) => void;

export class SignalBus {
  private readonly subscribers = new Set<SignalSubscriber>();
  /** Sends a signal to the other nodes (Redis), when there is a way. */
  relay: ((signal: Signal) => void) | null = null;

  subscribe(fn: SignalSubscriber): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  /** From an action on this node: here, and to the others. */
  publish(signal: Signal): void {
    this.deliver(signal);
    this.relay?.(signal);
  }

  /** From another node. */
  deliver(signal: Signal): void {
    for (const fn of this.subscribers) fn(signal);
  }
}
