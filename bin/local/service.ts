import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHandler } from '../../lambda/service.ts';
import type { PageTokenKeySource } from '../../lambda/page-token-keys.ts';
import { createDocumentClient } from '#store/client.ts';
import { ensureTable } from '#store/table.ts';
import { ViewStore } from '#store/view-store.ts';
import { localDynamoClient } from './dynamodb-local.ts';
import { startEventPoller, type EventPoller } from './stream-poller.ts';
import { createGateway, listen } from './gateway.ts';

/** The handler behind the local gateway, on a DynamoDB endpoint: what `npm start` and the tests run. */
export interface LocalServiceOptions {
  dynamoEndpoint: string;
  tableName: string;
  /** 0 picks a free port. */
  port?: number;
  region?: string;
  accountId?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** The NextToken HMAC key, or a source of keys as in Lambda (random when absent). */
  tokenSecret?: string | PageTokenKeySource;
  logger?: Logger;
  /** Metrics (EMF) as in Lambda; off unless given, since locally they would only flood stdout. */
  metrics?: Metrics;
  /** Replaces the DynamoDB document client (fault injection, request counting). */
  documentClient?: DynamoDBDocumentClient;
  /** Bytes per stored content chunk: smaller only in tests of content of many chunks. */
  chunkBytes?: number;
  functionTimeoutMs?: number;
  verifySignatures?: boolean;
  /** Where the events of the change stream go: a JSON-lines file, `-` for stdout; none when absent. */
  eventsOutput?: string;
}

export interface LocalService {
  url: string;
  region: string;
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
  tableName: string;
  store: ViewStore;
  server: Server;
  events?: EventPoller;
  close(): Promise<void>;
}

export const LOCAL_DEFAULTS = {
  region: 'us-east-1',
  accountId: '000000000000',
  accessKeyId: 'test',
  secretAccessKey: 'test',
} as const;

export async function startLocalService(options: LocalServiceOptions): Promise<LocalService> {
  const region = options.region ?? LOCAL_DEFAULTS.region;
  const accountId = options.accountId ?? LOCAL_DEFAULTS.accountId;
  const accessKeyId = options.accessKeyId ?? LOCAL_DEFAULTS.accessKeyId;
  const secretAccessKey = options.secretAccessKey ?? LOCAL_DEFAULTS.secretAccessKey;

  const documentClient =
    options.documentClient ??
    createDocumentClient({ endpoint: options.dynamoEndpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const admin = localDynamoClient(options.dynamoEndpoint, region);
  await ensureTable(admin, options.tableName);
  const events = options.eventsOutput
    ? await startEventPoller({ dynamo: admin, endpoint: options.dynamoEndpoint, region, accountId, tableName: options.tableName, output: options.eventsOutput })
    : undefined;
  const store = new ViewStore(documentClient, options.tableName, options.chunkBytes ? { chunkBytes: options.chunkBytes } : {});

  const handler = createHandler({
    store,
    tokenSecret: options.tokenSecret ?? randomBytes(32).toString('base64url'),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  const server = createGateway({
    handler: (event, context) => handler(event, context),
    auth: { credentials: { [accessKeyId]: secretAccessKey }, region, service: 'execute-api', maxSkewMs: 5 * 60 * 1000 },
    accountId,
    ...(options.functionTimeoutMs ? { functionTimeoutMs: options.functionTimeoutMs } : {}),
    ...(options.verifySignatures === false ? { verifySignatures: false } : {}),
  });
  const url = await listen(server, options.port ?? 0);

  return {
    url,
    region,
    accountId,
    accessKeyId,
    secretAccessKey,
    tableName: options.tableName,
    store,
    server,
    ...(events ? { events } : {}),
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await events?.stop();
      admin.destroy();
    },
  };
}
