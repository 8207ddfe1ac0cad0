import {
  DuplicateResourceException,
  InvalidRequestException,
  ResourceInUseException,
  ServiceError,
  TooManyRequestsException,
} from '#domain/errors.ts';
import { ConcurrentModification, ContentTooLarge, NameTaken, ReadKeptTearing, StoreThrottled } from '#store/errors.ts';

/**
 * What a failure means to the caller, as a modeled error: the one place where the store's own
 * errors become API errors. Undefined for a fault of the service (answered as InternalServiceException).
 */
export function apiErrorOf(error: unknown): ServiceError | undefined {
  if (error instanceof ServiceError) return error;
  if (error instanceof NameTaken) return new DuplicateResourceException(error.message);
  if (error instanceof StoreThrottled || error instanceof ReadKeptTearing) return new TooManyRequestsException(error.message);
  if (error instanceof ContentTooLarge) return new InvalidRequestException(error.message);
  // Lost races are retried by retryOnConflict; one that gets here ran out of retries.
  if (error instanceof ConcurrentModification) {
    return new ResourceInUseException('The view is being modified concurrently by other requests; retry the request.');
  }
  return undefined;
}
