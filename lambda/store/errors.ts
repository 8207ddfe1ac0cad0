/**
 * What the store reports, in its own words: none of these is an API error. The operations decide
 * what each means to a caller, and lambda/operations/errors.ts maps what reaches the handler to
 * the modeled errors, in one place.
 */
export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The head changed between our read and our conditional write: re-read and decide again. */
export class ConcurrentModification extends StoreError {
  constructor(message = 'the view changed concurrently') {
    super(message);
  }
}

/** CreateView's ClientToken is already recorded in the instance: the caller replays or reuses it. */
export class ClientTokenTaken extends StoreError {
  constructor() {
    super('the ClientToken is already used in this instance');
  }
}

/** Another view of the instance holds the name (the claim on it failed on its own). */
export class NameTaken extends StoreError {
  constructor() {
    super('A view with this name already exists in the instance.');
  }
}

/** DynamoDB throttled the request (or a transaction item): the caller should retry with backoff. */
export class StoreThrottled extends StoreError {
  constructor() {
    super('The view store is throttling requests; retry with backoff.');
  }
}

/** Content that even compressed exceeds what a write may store. */
export class ContentTooLarge extends StoreError {
  constructor(bytes: number, limit: number) {
    super(`Content cannot be stored: it takes ${bytes} bytes compressed, more than ${limit}.`);
  }
}

/** Every attempt to read the view caught a write half-applied (Query and BatchGetItem are read-committed). */
export class ReadKeptTearing extends StoreError {
  constructor() {
    super('The view changed during every attempt to read it consistently; retry the request.');
  }
}

/** DynamoDB failed in a way that is not the caller's doing; answered as InternalServiceException. */
export class StoreFault extends StoreError {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
  }
}

/**
 * What each action of a transaction guards, so a cancellation reason can be told apart: a failed
 * name claim is a duplicate name, a failed token claim a replayed ClientToken; anything else (the
 * head's guards, the listing moved by a rename, a version already gone) means a concurrent change.
 */
export type ActionPurpose = 'head' | 'listing' | 'name' | 'token' | 'item';

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
]);

interface CancellationReason {
  Code?: string;
}

/** Maps a DynamoDB failure to what the store reports; always throws. */
export function translateStoreError(error: unknown, purposes: ActionPurpose[] = []): never {
  if (error instanceof StoreError) throw error;
  const name = (error as { name?: string } | undefined)?.name ?? 'UnknownError';
  if (name === 'TransactionCanceledException') {
    const reasons = ((error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? []).map((r) => r.Code);
    if (reasons.includes('ThrottlingError')) throw new StoreThrottled();
    const failed = new Set(reasons.flatMap((code, index) => (code === 'ConditionalCheckFailed' ? [purposes[index] ?? 'item'] : [])));
    if (failed.has('token')) throw new ClientTokenTaken();
    // A name claim that failed beside a guard means the view changed too (two identical renames
    // racing): decided again on a fresh read, the name may well be the view's own by then.
    if (failed.has('name') && failed.size === 1) throw new NameTaken();
    if (failed.size > 0 || reasons.includes('TransactionConflict')) throw new ConcurrentModification();
    throw new StoreFault(`DynamoDB cancelled the transaction (${reasons.join(', ')})`, error);
  }
  if (THROTTLING.has(name)) throw new StoreThrottled();
  if (name === 'TransactionInProgressException' || name === 'TransactionConflictException') throw new ConcurrentModification();
  if (name === 'ConditionalCheckFailedException') throw new ConcurrentModification();
  throw new StoreFault(`DynamoDB request failed: ${name}`, error);
}
