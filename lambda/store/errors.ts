import { DuplicateResourceException, ServiceError, TooManyRequestsException } from '#domain/errors.ts';

/** The head changed between our read and our conditional write: re-read and decide again. */
export class ConcurrentModification extends Error {
  constructor(message = 'the view changed concurrently') {
    super(message);
    this.name = 'ConcurrentModification';
  }
}

/** CreateView's ClientToken is already recorded in the instance: the caller replays or reuses it. */
export class ClientTokenTaken extends Error {
  constructor() {
    super('the ClientToken is already used in this instance');
    this.name = 'ClientTokenTaken';
  }
}

/** DynamoDB failed in a way that is not the caller's doing; answered as InternalServiceException. */
export class StoreFault extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'StoreFault';
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

function throttled(): ServiceError {
  return new TooManyRequestsException('The view store is throttling requests; retry with backoff.');
}

/** Maps a DynamoDB failure to what the service answers; always throws. */
export function translateStoreError(error: unknown, purposes: ActionPurpose[] = []): never {
  if (error instanceof ServiceError || error instanceof ConcurrentModification) throw error;
  const name = (error as { name?: string } | undefined)?.name ?? 'UnknownError';
  if (name === 'TransactionCanceledException') {
    const reasons = ((error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? []).map((r) => r.Code);
    if (reasons.includes('ThrottlingError')) throw throttled();
    const failed = new Set(reasons.flatMap((code, index) => (code === 'ConditionalCheckFailed' ? [purposes[index] ?? 'item'] : [])));
    if (failed.has('token')) throw new ClientTokenTaken();
    // A name claim that failed beside a guard means the view changed too (two identical renames
    // racing): decided again on a fresh read, the name may well be the view's own by then.
    if (failed.has('name') && failed.size === 1)
      throw new DuplicateResourceException('A view with this name already exists in the instance.');
    if (failed.size > 0 || reasons.includes('TransactionConflict')) throw new ConcurrentModification();
    throw new StoreFault(`DynamoDB cancelled the transaction (${reasons.join(', ')})`, error);
  }
  if (THROTTLING.has(name)) throw throttled();
  if (name === 'TransactionInProgressException' || name === 'TransactionConflictException') throw new ConcurrentModification();
  if (name === 'ConditionalCheckFailedException') throw new ConcurrentModification();
  throw new StoreFault(`DynamoDB request failed: ${name}`, error);
}
