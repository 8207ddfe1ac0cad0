import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { missingPermission } from '../access-denied.ts';
import { purgeRequestOf } from './outbox.ts';

/** What the worker needs of the store: ViewStore.purgeView. */
export interface Purger {
  purgeView(instanceId: string, viewId: string, deadline: number): Promise<boolean>;
}

/** Time kept back from the invocation's own timeout to report where the purge stands. */
export const PURGE_MARGIN_MS = 10_000;

/**
 * Finishes what DeleteView began: for each purge request in the table's change stream (written in
 * the delete's own transaction), deletes the deleted view's remaining versions and content. A purge
 * is idempotent and resumable, so one that the invocation's time cuts short, or that fails, is
 * reported as the batch item failure: Lambda invokes again from exactly that record and the purge
 * goes on where the table says it is. Records the event source cannot get through after its
 * retries go to the dead-letter queue, which raises an alarm.
 */
export function createPurgeWorker(store: Purger, logger = new Logger(), marginMs = PURGE_MARGIN_MS) {
  return middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
    .use(injectLambdaContext(logger))
    .handler(async (batch, context) => {
      for (const record of batch.Records) {
        const request = purgeRequestOf(record);
        if (!request) continue;
        const retryFromHere = { batchItemFailures: [{ itemIdentifier: record.dynamodb!.SequenceNumber! }] };
        const deadline = Date.now() + Math.max(0, context.getRemainingTimeInMillis() - marginMs);
        try {
          if (!(await store.purgeView(request.instanceId, request.viewId, deadline))) {
            logger.info('purge continues in the next invocation', { ...request });
            return retryFromHere;
          }
        } catch (error) {
          logger.error('purge failed; it is retried from this request', { ...request, ...missingPermission(error), error: error as Error });
          return retryFromHere;
        }
        logger.info('view purged', { ...request });
      }
      return { batchItemFailures: [] };
    });
}
