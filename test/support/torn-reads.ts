import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '#store/client.ts';

/**
 * DynamoDB's Query and BatchGetItem are read-committed against TransactWriteItems: one call that
 * overlaps a committed transaction can return some items as they were before it and the rest as
 * they are after it. DynamoDB Local never does; this document client does on demand. Armed, the
 * next matching read is answered from two real reads, one before and one after `write` runs, with
 * the items on one side of a split point (in key order) from the first and the rest from the second.
 */
type Item = Record<string, unknown>;

export type TearableRead = 'Query' | 'BatchGetItem';

export interface Tear {
  read: TearableRead;
  /** The change that commits in the middle of the read. */
  write: () => Promise<unknown>;
  /** Items before this index (in key order over both reads) come from `first`, the rest from the other state. */
  split: number;
  /** Which state the items before the split come from. */
  first: 'before' | 'after';
}

export interface TearReport {
  /** Distinct keys the two reads returned together: the split points are 0 … keys. */
  keys: number;
}

const itemKey = (item: Item) => `${item['PK']}\u0000${item['SK']}`;

function compose(before: Item[], after: Item[], tear: Tear, descending: boolean): { items: Item[]; keys: number } {
  const states = {
    before: new Map(before.map((item) => [itemKey(item), item])),
    after: new Map(after.map((item) => [itemKey(item), item])),
  };
  const keys = [...new Set([...states.before.keys(), ...states.after.keys()])].sort();
  if (descending) keys.reverse();
  const second = tear.first === 'before' ? 'after' : 'before';
  const items = keys.flatMap((k, index) => {
    const item = states[index < tear.split ? tear.first : second].get(k);
    return item ? [item] : [];
  });
  return { items, keys: keys.length };
}

export class TornReads {
  readonly client: DynamoDBDocumentClient;
  readonly #real: DynamoDBDocumentClient;
  #armed: { tear: Tear; report: (report: TearReport) => void } | undefined;

  constructor(endpoint: string) {
    this.#real = createDocumentClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const send = (command: unknown) => this.#send(command);
    this.client = new Proxy(this.#real, {
      get: (target, property, receiver) => (property === 'send' ? send : Reflect.get(target, property, receiver)),
    });
  }

  /** Tears the next matching read; resolves with what it saw once that read happened. */
  arm(tear: Tear): Promise<TearReport> {
    return new Promise((report) => {
      this.#armed = { tear, report };
    });
  }

  disarm(): void {
    this.#armed = undefined;
  }

  async #send(command: unknown): Promise<unknown> {
    const armed = this.#armed;
    const kind = command instanceof QueryCommand ? 'Query' : command instanceof BatchGetCommand ? 'BatchGetItem' : undefined;
    const real = this.#real as unknown as { send(command: unknown): Promise<Record<string, unknown>> };
    if (!armed || kind !== armed.tear.read) return real.send(command);
    // One tear per arming; the write and the reads it makes itself go to DynamoDB untouched.
    this.#armed = undefined;
    const again = () =>
      new (command as { constructor: new (input: unknown) => unknown }).constructor((command as { input: unknown }).input);
    const before = await real.send(again());
    await armed.tear.write();
    const after = await real.send(again());
    if (kind === 'Query') {
      if (before['LastEvaluatedKey'] || after['LastEvaluatedKey'])
        throw new Error('torn reads of more than one query page are not supported');
      const descending = (command as QueryCommand).input.ScanIndexForward === false;
      const { items, keys } = compose((before['Items'] ?? []) as Item[], (after['Items'] ?? []) as Item[], armed.tear, descending);
      armed.report({ keys });
      return { ...after, Items: items, Count: items.length };
    }
    const table = Object.keys((command as BatchGetCommand).input.RequestItems ?? {})[0]!;
    const responses = (result: Record<string, unknown>) =>
      ((result['Responses'] as Record<string, Item[]> | undefined)?.[table] ?? []) as Item[];
    const { items, keys } = compose(responses(before), responses(after), armed.tear, false);
    armed.report({ keys });
    return { ...after, Responses: { [table]: items } };
  }
}
