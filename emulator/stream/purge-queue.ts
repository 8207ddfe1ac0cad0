import { setTimeout as sleep } from 'node:timers/promises';
import type { PurgeRequest } from '../../lambda/events/outbox.ts';

/**
 * The purge requests of DeleteViews not yet purged, worked through one at a time as the purge
 * worker does in AWS: `purge` is called at least once per request and retried with a capped
 * exponential backoff until it resolves. Requests are kept by the outbox item that made them, so a
 * request seen twice (the stream, then a replay) is purged once. Without a `purge` function the
 * queue only holds its requests, for the checkpoint to carry them to a poller that purges.
 */
export type Purge = (request: PurgeRequest, signal: AbortSignal) => Promise<void>;

/** The longest the queue rests when it has nothing to do before looking again. */
const IDLE_MS = 500;

export class PurgeQueue {
  readonly #requests = new Map<string, PurgeRequest>();
  readonly #retryAt = new Map<string, { at: number; attempts: number }>();
  readonly #purge: Purge | undefined;
  readonly #done: () => Promise<void>;
  readonly #log: (message: string) => void;
  readonly #stopping = new AbortController();
  #wake = new AbortController();
  #running: Promise<void> | undefined;

  /** `done` runs after each finished purge (the poller saves its checkpoint). */
  constructor(purge: Purge | undefined, done: () => Promise<void>, log: (message: string) => void) {
    this.#purge = purge;
    this.#done = done;
    this.#log = log;
  }

  add(key: string, request: PurgeRequest): void {
    this.#requests.set(key, request);
  }

  /** The requests held, by key (for the checkpoint). */
  entries(): [string, PurgeRequest][] {
    return [...this.#requests];
  }

  /** Purges this queue owes: none when it was given nothing to purge with. */
  get owed(): number {
    return this.#purge ? this.#requests.size : 0;
  }

  /** Looks for work at once rather than after its rest. */
  wake(): void {
    this.#wake.abort();
  }

  start(): void {
    this.#running ??= this.#loop();
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
    this.wake();
    await this.#running;
  }

  async #rest(ms: number): Promise<void> {
    const signal = AbortSignal.any([this.#stopping.signal, this.#wake.signal]);
    await sleep(ms, undefined, { signal }).catch(() => undefined);
    if (this.#wake.signal.aborted) this.#wake = new AbortController();
  }

  async #loop(): Promise<void> {
    const stopping = this.#stopping.signal;
    while (!stopping.aborted) {
      const now = Date.now();
      const next = [...this.#requests].find(([key]) => (this.#retryAt.get(key)?.at ?? 0) <= now);
      if (!next || !this.#purge) {
        await this.#rest(IDLE_MS);
        continue;
      }
      const [key, request] = next;
      try {
        await this.#purge(request, stopping);
        if (stopping.aborted) break;
        this.#requests.delete(key);
        this.#retryAt.delete(key);
        await this.#done();
      } catch (error) {
        if (stopping.aborted) break;
        const attempts = (this.#retryAt.get(key)?.attempts ?? 0) + 1;
        this.#retryAt.set(key, { at: Date.now() + Math.min(30_000, 250 * 2 ** attempts), attempts });
        this.#log(
          `purging view ${request.viewId} of ${request.instanceId} failed (attempt ${attempts}); retrying: ${(error as Error).message}`,
        );
      }
    }
  }
}
