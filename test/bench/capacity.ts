import { randomUUID } from 'node:crypto';
import {
  CreateViewCommand,
  CreateViewVersionCommand,
  DeleteViewCommand,
  DeleteViewVersionCommand,
  DescribeViewCommand,
  ListTagsForResourceCommand,
  ListViewsCommand,
  ListViewVersionsCommand,
  SearchViewsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateViewContentCommand,
  UpdateViewMetadataCommand,
} from '@aws-sdk/client-connect';
import { DynamoDBClient, GetItemCommand, type AttributeValue, type ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '#store/client.ts';
import { listingAttributes } from '#store/items.ts';
import { instancePartition, key, listingSk } from '#store/keys.ts';
import { startLocalService } from '../../emulator/service.ts';
import { connectClient } from '../support/service.ts';
import { itemSize, writeUnits } from './item-size.ts';
import { percentile } from './stats.ts';

/**
 * The per-request inputs of the cost model (docs/cost.md), measured on the real handler against
 * DynamoDB Local: read and write units per operation, the bytes the function logs per request
 * (request line and any EMF document), the response size, the path (for the access log) and the
 * handler's own latency.
 *
 * Units: every call the store makes gets `ReturnConsumedCapacity: TOTAL`. DynamoDB Local answers it
 * by DynamoDB's rules for single-item calls and queries, but not for TransactWriteItems (it reports
 * about one item's units, e.g. 2 for three small Puts) nor reliably for BatchWriteItem, so those
 * two are computed from the sizes of the items they write or delete, read before and after the
 * call: 2 units per KB of each item for a transaction, 1 for a batch write.
 */
export interface OperationMeasure {
  /** The case measured, e.g. `DescribeView ($LATEST)`. */
  name: string;
  operation: string;
  readUnits: number;
  writeUnits: number;
  dynamoCalls: number;
  logBytes: number;
  responseBytes: number;
  pathBytes: number;
  handlerMs: number;
  /** Events put on the bus by the table stream (outbox items written). */
  events: number;
}

export interface CapacityMeasurement {
  templateBytes: number;
  operations: OperationMeasure[];
}

/** A template of typical size: a form of 12 sections with labels, bindings and actions (~4 KB). */
export function typicalTemplate(marker: string): string {
  const sections = Array.from({ length: 12 }, (_, i) => ({
    Type: 'Section',
    Props: {
      Heading: `Section ${i} ${marker}`,
      Items: [
        { Type: 'TextInput', Props: { Label: `Field ${i}`, Name: `field${i}`, DefaultValue: `$.Customer.Field${i}` } },
        { Type: 'Text', Props: { Text: `$.Notes.N${i}` } },
      ],
    },
  }));
  return JSON.stringify({ Head: { Title: '$.Title', Configuration: { Layout: { Columns: ['8', '4'] } } }, Body: sections });
}

const REPETITIONS = 5;

/** Measured, not in the workload mix: a SearchViews first page in an instance of many views. */
export const LARGE_INSTANCE_VIEWS = 10_000;
export const LARGE_SEARCH_CASE = `SearchViews first page (${LARGE_INSTANCE_VIEWS.toLocaleString('en')} views)`;

export async function measureCapacity(dynamoEndpoint: string): Promise<CapacityMeasurement> {
  const consumed: { read: boolean; units: number }[] = [];
  let calls = 0;
  const READS = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand', 'TransactGetItemsCommand']);
  const localConfig = { endpoint: dynamoEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const documentClient = createDocumentClient(localConfig);
  const raw = new DynamoDBClient(localConfig);
  const sizeOf = async (TableName: string, Key: Record<string, AttributeValue>) => {
    const { Item } = await raw.send(new GetItemCommand({ TableName, Key, ConsistentRead: true }));
    return Item ? itemSize(Item) : 0;
  };
  type WrittenItem = { table: string; key?: Record<string, AttributeValue>; put?: Record<string, AttributeValue> };
  const writtenItems = (commandName: string, body: Record<string, any>): WrittenItem[] => {
    if (commandName === 'TransactWriteItemsCommand') {
      return (body['TransactItems'] as Record<string, any>[]).map((action) => {
        const [kind, detail] = Object.entries(action)[0]!;
        return kind === 'Put' ? { table: detail.TableName, put: detail.Item } : { table: detail.TableName, key: detail.Key };
      });
    }
    return Object.entries(body['RequestItems'] as Record<string, Record<string, any>[]>).flatMap(([table, requests]) =>
      requests.map((request) =>
        request['PutRequest'] ? { table, put: request['PutRequest'].Item } : { table, key: request['DeleteRequest'].Key },
      ),
    );
  };
  documentClient.middlewareStack.add(
    (next, context) => async (args) => {
      const commandName = context.commandName ?? '';
      if (commandName !== 'TransactWriteItemsCommand' && commandName !== 'BatchWriteItemCommand') return next(args);
      const body = (args.request as { body: string | Uint8Array }).body;
      const items = writtenItems(commandName, JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(body)));
      const before = await Promise.all(items.map((item) => (item.key ? sizeOf(item.table, item.key) : 0)));
      const result = await next(args);
      const after = await Promise.all(items.map((item) => (item.key ? sizeOf(item.table, item.key) : itemSize(item.put!))));
      const factor = commandName === 'TransactWriteItemsCommand' ? 2 : 1;
      computedWrites = items.reduce((sum, _, i) => sum + factor * writeUnits(Math.max(before[i]!, after[i]!)), 0);
      return result;
    },
    { step: 'build', name: 'benchWrittenItemSizes' },
  );
  let computedWrites: number | undefined;
  documentClient.middlewareStack.add(
    (next, context) => async (args) => {
      calls++;
      const input = args.input as Record<string, unknown>;
      const result = await next({ ...args, input: { ...input, ReturnConsumedCapacity: 'TOTAL' } });
      const capacity = (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity;
      const read = READS.has(context.commandName ?? '');
      if (computedWrites !== undefined) {
        consumed.push({ read: false, units: computedWrites });
        computedWrites = undefined;
      } else {
        for (const entry of [capacity ?? []].flat()) consumed.push({ read, units: entry.CapacityUnits ?? 0 });
      }
      return result;
    },
    { step: 'initialize', name: 'benchConsumedCapacity' },
  );

  // The function's log output as CloudWatch would receive it: every JSON line, counted in bytes.
  let logBytes = 0;
  let handlerMs = 0;
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = chunk.toString();
    if (text.startsWith('{"level"') || text.startsWith('{"_aws"')) {
      logBytes += Buffer.byteLength(text);
      for (const line of text.trim().split('\n')) {
        const entry = JSON.parse(line) as { message?: string; latencyMs?: number };
        if (entry.message?.startsWith('request') && entry.latencyMs !== undefined) handlerMs = entry.latencyMs;
      }
      return true;
    }
    return write(chunk, ...(rest as []));
  }) as typeof process.stdout.write;

  const service = await startLocalService({
    dynamoEndpoint,
    tableName: `bench-capacity-${randomUUID().slice(0, 8)}`,
    documentClient,
    tokenSecret: 'bench-secret-0123456789',
    logger: new Logger({ serviceName: 'connect-views', logLevel: 'INFO' }),
    metrics: new Metrics({ serviceName: 'connect-views', namespace: 'ConnectViews' }),
  });
  const client = connectClient(service, { maxAttempts: 1 });
  const templateBytes = Buffer.byteLength(typicalTemplate('x'));
  const results: OperationMeasure[] = [];
  let responseBytes = 0;
  let lastPath = '';
  client.middlewareStack.add(
    (next) => async (args) => {
      lastPath = (args.request as { path: string }).path;
      const result = await next(args);
      const body = (result.response as { body?: { headers?: unknown } } & { headers?: Record<string, string> }).headers?.['content-length'];
      responseBytes = Number(body ?? 0);
      return result;
    },
    { step: 'finalizeRequest', name: 'benchResponseSize' },
  );

  const instanceId = randomUUID();
  const content = (marker: string) => ({ Template: typicalTemplate(marker), Actions: ['Submit', 'Cancel'] });
  let counter = 0;
  const newView = async (status: 'PUBLISHED' | 'SAVED' = 'PUBLISHED') =>
    (
      await client.send(
        new CreateViewCommand({
          InstanceId: instanceId,
          Name: `cost-${counter++}`,
          Status: status,
          Content: content(`c${counter}`),
          Tags: { team: 'support' },
        }),
      )
    ).View!;
  const measure = async (name: string, operation: string, run: () => Promise<unknown>, eventsPerCall = 0) => {
    const samples: Omit<OperationMeasure, 'name' | 'operation'>[] = [];
    for (let i = 0; i < REPETITIONS; i++) {
      consumed.length = 0;
      calls = 0;
      logBytes = 0;
      await run();
      samples.push({
        readUnits: consumed.filter((c) => c.read).reduce((sum, c) => sum + c.units, 0),
        writeUnits: consumed.filter((c) => !c.read).reduce((sum, c) => sum + c.units, 0),
        dynamoCalls: calls,
        logBytes,
        responseBytes,
        pathBytes: Buffer.byteLength(decodeURIComponent(lastPath)),
        handlerMs,
        events: eventsPerCall,
      });
    }
    const median = (pick: (s: (typeof samples)[number]) => number) => percentile(samples.map(pick), 50);
    results.push({
      name,
      operation,
      readUnits: median((s) => s.readUnits),
      writeUnits: median((s) => s.writeUnits),
      dynamoCalls: median((s) => s.dynamoCalls),
      logBytes: median((s) => s.logBytes),
      responseBytes: median((s) => s.responseBytes),
      pathBytes: median((s) => s.pathBytes),
      handlerMs: median((s) => s.handlerMs),
      events: eventsPerCall,
    });
  };

  try {
    // Warm up the handler and the connections first: the figures are steady-state ones.
    for (let i = 0; i < 20; i++) await newView();
    const view = await newView();
    const viewArn = view.Arn!;
    for (let i = 0; i < 10; i++) {
      await client.send(
        new UpdateViewContentCommand({ InstanceId: instanceId, ViewId: view.Id, Status: 'PUBLISHED', Content: content(`v${i}`) }),
      );
      await client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
    }

    await measure('CreateView (PUBLISHED)', 'CreateView', () => newView());
    await measure('DescribeView ($LATEST)', 'DescribeView', () =>
      client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: view.Id })),
    );
    await measure('DescribeView (:N)', 'DescribeView', () =>
      client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${view.Id}:3` })),
    );
    let marker = 0;
    await measure('UpdateViewContent (PUBLISHED)', 'UpdateViewContent', () =>
      client.send(
        new UpdateViewContentCommand({ InstanceId: instanceId, ViewId: view.Id, Status: 'PUBLISHED', Content: content(`u${marker++}`) }),
      ),
    );
    await measure('UpdateViewMetadata', 'UpdateViewMetadata', () =>
      client.send(new UpdateViewMetadataCommand({ InstanceId: instanceId, ViewId: view.Id, Description: `d${marker++}` })),
    );
    await measure(
      'CreateViewVersion (new content)',
      'CreateViewVersion',
      async () => {
        await client.send(
          new UpdateViewContentCommand({ InstanceId: instanceId, ViewId: view.Id, Status: 'PUBLISHED', Content: content(`p${marker++}`) }),
        );
        consumed.length = 0;
        calls = 0;
        logBytes = 0;
        await client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
      },
      1,
    );
    await measure('CreateViewVersion (unchanged)', 'CreateViewVersion', () =>
      client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id })),
    );
    await measure('ListViews (22 views)', 'ListViews', () => client.send(new ListViewsCommand({ InstanceId: instanceId })));
    await measure('ListViewVersions (10+ versions)', 'ListViewVersions', () =>
      client.send(new ListViewVersionsCommand({ InstanceId: instanceId, ViewId: view.Id })),
    );
    await measure('SearchViews (name prefix)', 'SearchViews', () =>
      client.send(
        new SearchViewsCommand({
          InstanceId: instanceId,
          SearchCriteria: { StringCondition: { FieldName: 'name', Value: 'cost-1', ComparisonType: 'STARTS_WITH' } },
        }),
      ),
    );
    // Not in the mix: what a first page costs where the instance is large (it reads the listing on,
    // up to 4 MB, to count the matches). 10,000 views of typical names and descriptions.
    const largeInstance = randomUUID();
    const seeder = createDocumentClient(localConfig);
    const now = Date.now();
    const listings = Array.from({ length: LARGE_INSTANCE_VIEWS }, (_, i) => ({
      ...key(instancePartition(largeInstance), listingSk('CUSTOMER_MANAGED', `view-${String(i).padStart(5, '0')}`)),
      kind: 'listing',
      ...listingAttributes({
        viewId: randomUUID(),
        name: `view-${String(i).padStart(5, '0')}`,
        description: `an ordinary view number ${i} with a description of typical length`,
        type: 'CUSTOMER_MANAGED',
        status: 'PUBLISHED',
        tags: { team: 'support' },
        createdTime: now,
        lastModifiedTime: now,
      }),
    }));
    for (let i = 0; i < listings.length; i += 25) {
      await seeder.send(
        new BatchWriteCommand({
          RequestItems: { [service.tableName]: listings.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
        }),
      );
    }
    seeder.destroy();
    await measure(LARGE_SEARCH_CASE, 'SearchViews', () =>
      client.send(
        new SearchViewsCommand({
          InstanceId: largeInstance,
          SearchCriteria: { StringCondition: { FieldName: 'name', Value: 'view-001', ComparisonType: 'STARTS_WITH' } },
        }),
      ),
    );
    await measure('TagResource', 'TagResource', () =>
      client.send(new TagResourceCommand({ resourceArn: viewArn, tags: { [`k${marker++}`]: 'v' } })),
    );
    await measure('ListTagsForResource', 'ListTagsForResource', () =>
      client.send(new ListTagsForResourceCommand({ resourceArn: viewArn })),
    );
    await measure('UntagResource', 'UntagResource', () =>
      client.send(new UntagResourceCommand({ resourceArn: viewArn, tagKeys: ['team'] })),
    );
    let version = 1;
    await measure(
      'DeleteViewVersion',
      'DeleteViewVersion',
      () => client.send(new DeleteViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, ViewVersion: version++ })),
      1,
    );
    await measure(
      'DeleteView (5 versions)',
      'DeleteView',
      async () => {
        const doomed = await newView();
        for (let i = 0; i < 5; i++) {
          await client.send(
            new UpdateViewContentCommand({
              InstanceId: instanceId,
              ViewId: doomed.Id,
              Status: 'PUBLISHED',
              Content: content(`x${marker++}`),
            }),
          );
          await client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: doomed.Id }));
        }
        consumed.length = 0;
        calls = 0;
        logBytes = 0;
        await client.send(new DeleteViewCommand({ InstanceId: instanceId, ViewId: doomed.Id }));
      },
      1,
    );
  } finally {
    client.destroy();
    await service.close();
    process.stdout.write = write;
    raw.destroy();
  }
  return { templateBytes, operations: results };
}
