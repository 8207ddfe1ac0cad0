import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { EVENT_SOURCE, type ViewEvent } from '#domain/events.ts';
import { EVENT_PREFIX, PURGE_PREFIX, SORT_KEY } from '#store/keys.ts';

/** The part of a DynamoDB stream record the outbox needs (Lambda's and DynamoDB Streams' shapes both fit). */
export interface StreamRecord {
  eventName?: string;
  dynamodb?: { NewImage?: Record<string, unknown>; SequenceNumber?: string };
}

/**
 * The event an outbox item carries, when the record is the insertion of one. Everything else in the
 * stream (content, versions, heads, an outbox item's expiry or purge) is not an event.
 */
export function eventOf(record: StreamRecord): ViewEvent | undefined {
  const image = record.dynamodb?.NewImage as Record<string, AttributeValue> | undefined;
  if (record.eventName !== 'INSERT' || !image) return undefined;
  // Decided on the raw image, and only an outbox item is unmarshalled: other items are not ours to read.
  if (image['kind']?.S !== 'event' || !image[SORT_KEY]?.S?.startsWith(EVENT_PREFIX)) return undefined;
  const item = unmarshall({ detailType: image['detailType']!, detail: image['detail']! });
  return { detailType: item['detailType'], detail: item['detail'] } as ViewEvent;
}

/** A DeleteView that answered and whose items remain to be deleted. */
export interface PurgeRequest {
  instanceId: string;
  viewId: string;
}

/**
 * The purge request a record carries, when it is the insertion of one (written in DeleteView's
 * transaction): the stream consumer then deletes the view's remaining items.
 */
export function purgeRequestOf(record: StreamRecord): PurgeRequest | undefined {
  const image = record.dynamodb?.NewImage as Record<string, AttributeValue> | undefined;
  if (record.eventName !== 'INSERT' || !image) return undefined;
  if (image['kind']?.S !== 'purge' || !image[SORT_KEY]?.S?.startsWith(PURGE_PREFIX)) return undefined;
  const instanceId = image['instanceId']?.S;
  const viewId = image['viewId']?.S;
  return instanceId && viewId ? { instanceId, viewId } : undefined;
}

/** The event as an EventBridge rule's target receives it. */
export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: ViewEvent['detail'];
}

export function envelopeOf(event: ViewEvent, account: string, region: string): EventEnvelope {
  return {
    version: '0',
    id: event.detail.eventId,
    'detail-type': event.detailType,
    source: EVENT_SOURCE,
    account,
    time: event.detail.time,
    region,
    resources: [event.detail.versionArn ?? event.detail.viewArn],
    detail: event.detail,
  };
}
