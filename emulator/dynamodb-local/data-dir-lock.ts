import { setTimeout as sleep } from 'node:timers/promises';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LocalStartError } from '../errors.ts';
import { commandLineOf, isRunning, terminate } from './processes.ts';

/**
 * One DynamoDB Local per data folder. A lock file in the folder names the process that owns it and
 * the DynamoDB Local it runs. On start, a lock whose owner is gone while its DynamoDB Local still
 * runs marks an orphan (its owner was killed before it could stop it): the orphan is stopped. A
 * lock whose owner and DynamoDB Local both run means the folder is in use: starting is refused.
 */
export const LOCK_FILE = 'dynamodb-local.lock';

export interface LockRecord {
  /** The Node.js process that started DynamoDB Local. */
  owner: number;
  /** DynamoDB Local's own process (Java). */
  java?: number;
  /** The process that ends DynamoDB Local when the owner dies. */
  watchdog?: number;
  port?: number;
}

function readRecord(file: string): LockRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(file, 'utf8')) as LockRecord;
    return Number.isInteger(record.owner) ? record : undefined;
  } catch {
    return undefined;
  }
}

function isDynamoDbLocal(pid: number | undefined): pid is number {
  return pid !== undefined && isRunning(pid) && (commandLineOf(pid)?.includes('DynamoDBLocal') ?? false);
}

function isOwnerAlive(record: LockRecord): boolean {
  if (record.owner === process.pid) return true;
  // A pid can be reused after a reboot: only a Node.js process counts as the owner.
  return isRunning(record.owner) && /node/i.test(commandLineOf(record.owner) ?? 'node');
}

export class DataDirLock {
  readonly file: string;
  #record: LockRecord;

  private constructor(file: string, record: LockRecord) {
    this.file = file;
    this.#record = record;
  }

  /** Takes the folder for this process, stopping an orphaned DynamoDB Local found there first. */
  static async acquire(dir: string, log: (message: string) => void): Promise<DataDirLock> {
    const file = join(dir, LOCK_FILE);
    for (let attempt = 0; attempt < 5; attempt++) {
      const record: LockRecord = { owner: process.pid };
      try {
        writeFileSync(file, JSON.stringify(record), { flag: 'wx' });
        return new DataDirLock(file, record);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const held = readRecord(file);
      if (held && isOwnerAlive(held) && (isDynamoDbLocal(held.java) || (held.java === undefined && held.owner !== process.pid))) {
        throw new LocalStartError(
          'data-dir-in-use',
          `The data folder ${resolve(dir)} is in use by another local service (process ${held.owner}): stop it first, ` +
            `or choose another DATA_DIR.`,
        );
      }
      if (held && isDynamoDbLocal(held.java)) {
        log(`Stopping DynamoDB Local (process ${held.java}) that a previous run left behind on ${resolve(dir)}…`);
        await terminate(held.java);
      }
      // A lock whose processes are gone is stale; a record still being written reads as undefined.
      if (held || attempt > 0) rmSync(file, { force: true });
      else await sleep(100);
    }
    throw new LocalStartError(
      'data-dir-in-use',
      `Could not take the data folder ${resolve(dir)} (${file} keeps coming back): is another local service starting on it?`,
    );
  }

  update(fields: Omit<LockRecord, 'owner'>): void {
    this.#record = { ...this.#record, ...fields };
    writeFileSync(this.file, JSON.stringify(this.#record));
  }

  release(): void {
    if (readRecord(this.file)?.owner === this.#record.owner) rmSync(this.file, { force: true });
  }
}
