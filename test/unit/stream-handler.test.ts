import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Logger } from '@aws-lambda-powertools/logger';
import type { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { createStreamHandler } from '../../lambda/events/stream-handler.ts';

const context = { awsRequestId: 'r', functionName: 'f', invokedFunctionArn: 'arn:aws:lambda:us-east-1:1:function:f' } as Context;

function record(sequence: string, eventName: 'INSERT' | 'MODIFY' | 'REMOVE', item: Record<string, unknown>) {
  return { eventName, dynamodb: { SequenceNumber: sequence, NewImage: marshall(item, { removeUndefinedValues: true }) as never } };
}

function outbox(sequence: string, eventId: string, version?: number) {
  return record(sequence, 'INSERT', {
    PK: 'VIEW#i#v',
    SK: `E#2026-11-27T00:00:00.000Z#${eventId}`,
    kind: 'event',
    detailType: version ? 'View Version Published' : 'View Deleted',
    detail: {
      eventId,
      instanceId: 'i',
      viewId: 'v',
      viewArn: 'arn:aws:connect:us-east-1:1:instance/i/view/v',
      version,
      time: '2026-11-27T00:00:00.000Z',
      tags: {},
    },
  });
}

/** An EventBridge client double that records entries and fails the calls it is told to. */
function fakeEventBridge(failOn: Set<string> = new Set()) {
  const sent: { DetailType?: string; Detail?: string; Source?: string; EventBusName?: string }[] = [];
  const client = {
    send: async (command: PutEventsCommand) => {
      const entry = command.input.Entries![0]!;
      const eventId = JSON.parse(entry.Detail!).eventId as string;
      if (failOn.has(eventId)) return { FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'injected' }] };
      sent.push(entry);
      return { FailedEntryCount: 0, Entries: [{ EventId: eventId }] };
    },
  } as unknown as EventBridgeClient;
  return { client, sent };
}

const silent = new Logger({ logLevel: 'SILENT' });

describe('stream → EventBridge', () => {
  it('publishes only inserted outbox items, in order, to the configured bus', async () => {
    const { client, sent } = fakeEventBridge();
    const handler = createStreamHandler(client, 'views-bus', silent);
    const batch = {
      Records: [
        outbox('1', 'a', 1),
        record('2', 'INSERT', { PK: 'VIEW#i#v', SK: 'V#0000000001', kind: 'version', tags: {} }),
        record('3', 'REMOVE', { PK: 'VIEW#i#v', SK: 'E#x#y', kind: 'event', detailType: 'View Deleted', detail: {} }),
        record('4', 'MODIFY', { PK: 'VIEW#i#v', SK: 'VIEW', kind: 'view' }),
        outbox('5', 'b'),
      ],
    } as unknown as DynamoDBStreamEvent;
    const result = await handler(batch, context);
    assert.deepEqual(result, { batchItemFailures: [] });
    assert.deepEqual(
      sent.map((e) => [e.DetailType, JSON.parse(e.Detail!).eventId, e.Source, e.EventBusName]),
      [
        ['View Version Published', 'a', 'views.service', 'views-bus'],
        ['View Deleted', 'b', 'views.service', 'views-bus'],
      ],
    );
  });

  it('stops at the first failure and reports it, so the retry resumes exactly there', async () => {
    const { client, sent } = fakeEventBridge(new Set(['b']));
    const handler = createStreamHandler(client, 'default', silent);
    const batch = { Records: [outbox('1', 'a', 1), outbox('2', 'b', 2), outbox('3', 'c', 3)] } as unknown as DynamoDBStreamEvent;
    const result = await handler(batch, context);
    assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: '2' }] });
    assert.deepEqual(
      sent.map((e) => JSON.parse(e.Detail!).eventId),
      ['a'],
      'nothing after the failure is published out of order',
    );
  });
});
