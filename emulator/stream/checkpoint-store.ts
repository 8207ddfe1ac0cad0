import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { PurgeRequest } from '../../lambda/events/outbox.ts';

/**
 * Where the local stream consumer stands, kept in a file across restarts: the last sequence number
 * handled per shard, and the purges not yet done. Written aside and renamed, so that a kill at any
 * moment leaves the old checkpoint or the new one; saves are made one after another.
 */
export interface Checkpoint {
  format: 1;
  table: string;
  streamArn: string;
  shards: [shardId: string, sequence: string][];
  purges: (PurgeRequest & { key: string })[];
}

/** An unreadable file counts as a checkpoint of no stream: what it held is replayed from the table. */
const UNREADABLE: Checkpoint = { format: 1, table: '', streamArn: '', shards: [], purges: [] };

export class CheckpointStore {
  readonly file: string | undefined;
  readonly #log: (message: string) => void;
  #saving = Promise.resolve();

  /** Without a file the checkpoint lives in memory only (nothing to resume after a restart). */
  constructor(file: string | undefined, log: (message: string) => void) {
    this.file = file;
    this.#log = log;
  }

  async load(): Promise<Checkpoint | undefined> {
    if (!this.file) return undefined;
    await mkdir(dirname(this.file), { recursive: true });
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const checkpoint = JSON.parse(text) as Checkpoint;
      if (checkpoint.format === 1 && Array.isArray(checkpoint.shards) && Array.isArray(checkpoint.purges)) return checkpoint;
    } catch {
      // reported below
    }
    this.#log(`the checkpoint ${this.file} is unreadable; replaying the outbox from the table`);
    return UNREADABLE;
  }

  save(checkpoint: Checkpoint): Promise<void> {
    const file = this.file;
    if (!file) return Promise.resolve();
    this.#saving = this.#saving.then(async () => {
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(checkpoint));
      await rename(temporary, file);
    });
    return this.#saving;
  }
}
