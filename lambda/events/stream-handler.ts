import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { EVENT_SOURCE, type ViewEvent } from '#domain/events.ts';
import { missingPermission } from '../access-denied.ts';
import { AWS_CLIENT_DEFAULTS } from '../aws-clients.ts';
import { eventOf } from './outbox.ts';

/**
 * Publishes the outbox events of the table's change stream to EventBridge, in stream order, one
 * PutEvents per event. At the first failure it stops and reports that record as the batch item
 * failure, so Lambda retries from exactly there (and, after its retries, hands the batch to the
 * dead-letter queue): events keep their order and are not published twice, except when a
 * PutEvents succeeds but its answer is lost. Every event carries its id (`detail.eventId`) for
 * consumers that must deduplicate even then.
 */
export function createStreamHandler(client: EventBridgeClient, busName: string, logger = new Logger()) {
  const publish = async (event: ViewEvent) => {
    const result = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: EVENT_SOURCE,
            DetailType: event.detailType,
            Detail: JSON.stringify(event.detail),
            EventBusName: busName,
            Time: new Date(event.detail.time),
            Resources: [event.detail.versionArn ?? event.detail.viewArn],
          },
        ],
      }),
    );
    if (result.FailedEntryCount) {
      const failure = result.Entries?.find((entry) => entry.ErrorCode);
      throw new Error(`EventBridge refused event ${event.detail.eventId}: ${failure?.ErrorCode} ${failure?.ErrorMessage}`);
    }
    logger.info('event published', {
      detailType: event.detailType,
      eventId: event.detail.eventId,
      viewId: event.detail.viewId,
      version: event.detail.version,
    });
  };
  return middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
    .use(injectLambdaContext(logger))
    .handler(async (batch) => {
      for (const record of batch.Records) {
        const event = eventOf(record);
        if (!event) continue;
        try {
          await publish(event);
        } catch (error) {
          logger.error('publishing an event failed; the batch resumes from it', {
            eventId: event.detail.eventId,
            ...missingPermission(error),
            error: error as Error,
          });
          return { batchItemFailures: [{ itemIdentifier: record.dynamodb!.SequenceNumber! }] };
        }
      }
      return { batchItemFailures: [] };
    });
}

/** The Lambda entry point. EVENT_BUS_NAME: the bus (default: the account's default bus). */
export const handler = createStreamHandler(
  new EventBridgeClient(AWS_CLIENT_DEFAULTS),
  process.env['EVENT_BUS_NAME'] ?? 'default',
  new Logger({ serviceName: process.env['POWERTOOLS_SERVICE_NAME'] ?? 'connect-views-events' }),
);
