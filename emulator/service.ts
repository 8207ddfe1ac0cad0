import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import type { PurgeRequest } from '../lambda/events/outbox.ts';
import { createHandler } from '../lambda/service.ts';
import type { PageTokenKeySource } from '../lambda/page-token-keys.ts';
import { createDocumentClient } from '#store/client.ts';
import { ensureTable } from '#store/table.ts';
import { ViewStore, type StoreOptions } from '#store/view-store.ts';
import type { CfnTemplate } from './iam/intrinsics.ts';
import { localGuard } from './iam/local-roles.ts';
import { guardDynamoDb } from './iam/sdk-guard.ts';
import { localDynamoClient } from './dynamodb-local/launcher.ts';
import { startEventPoller, type EventPoller } from './stream/poller.ts';
import type { ApiType } from './gateway/api-types.ts';
import { createGateway } from './gateway/gateway.ts';
import { closeGracefully, listen, urlOf } from './gateway/http-server.ts';
import { strictPublish } from './strict-publish.ts';

/** The handler behind the local gateway, on a DynamoDB endpoint: what `npm start` and the tests run. */
export interface LocalServiceOptions {
  dynamoEndpoint: string;
  tableName: string;
  /** 0 picks a free port. */
  port?: number;
  /** A server already listening (its port taken before anything else started); `port` is then ignored. */
  server?: Server;
  region?: string;
  accountId?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /**
   * The services a request's SigV4 scope may name. Default: `connect` (what the unmodified AWS CLI
   * and SDKs sign for) and `execute-api` (what API Gateway requires of the deployed service).
   */
  signingNames?: readonly string[];
  /** The NextToken HMAC key, or a source of keys as in Lambda (random when absent). */
  tokenSecret?: string | PageTokenKeySource;
  logger?: Logger;
  /** Metrics (EMF) as in Lambda; off unless given, since locally they would only flood stdout. */
  metrics?: Metrics;
  /** Replaces the DynamoDB document client (fault injection, request counting). */
  documentClient?: DynamoDBDocumentClient;
  /** Bytes per stored content chunk: smaller only in tests of content of many chunks. */
  chunkBytes?: number;
  /** Runs between a write's decision and its transaction (tests of interleavings; see StoreOptions). */
  beforeWrite?: StoreOptions['beforeWrite'];
  /** The service's clock (epoch ms) for what it writes: times, expiries. Tests move it forward. */
  clock?: () => number;
  functionTimeoutMs?: number;
  /** API Gateway's integration timeout (REST 29 s, HTTP 30 s); shorter in tests of it. */
  integrationTimeoutMs?: number;
  /** Which API Gateway the local gateway behaves as: `rest` (the default deployment) or `http`. */
  apiType?: ApiType;
  verifySignatures?: boolean;
  /** Where the events of the change stream go: a JSON-lines file, `-` for stdout; none when absent. */
  eventsOutput?: string;
  /** Where the events' stream position is kept across restarts (default: beside a file output). */
  eventsCheckpoint?: string;
  /**
   * Finishes each DeleteView from its purge request, as the purge worker does in AWS: `true` for the
   * store's purgeView on a DynamoDB client of its own (not `documentClient`), or a function. Off by
   * default: tests of the purge itself drive purgeView, and a purger in the background would race them.
   */
  purge?: boolean | ((request: PurgeRequest, signal: AbortSignal) => Promise<void>);
  /**
   * The API stack's synthesized template: every DynamoDB call of the handler (and of the purge) is
   * then checked against what that function's role grants there, each transaction item by its own
   * action, and refused with DynamoDB's AccessDeniedException where it is not granted, as on AWS.
   */
  iam?: CfnTemplate;
  /**
   * Strict mode: refuse to publish content that fails `connect-views lint`'s error rules
   * (InvalidRequestException naming the rule). Off by default (emulator/strict-publish.ts says why).
   */
  strictPublish?: boolean;
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
  /** The change-stream consumer, when there is one (`eventsOutput` or `purge`): events and purges. */
  events?: EventPoller;
  /** Stops taking requests, answers those already received (for at most `drainMs`), writes the pending events. */
  close(options?: { drainMs?: number }): Promise<void>;
}

export const LOCAL_DEFAULTS = {
  region: 'us-east-1',
  accountId: '000000000000',
  accessKeyId: 'test',
  secretAccessKey: 'test',
  signingNames: ['connect', 'execute-api'],
  serviceName: 'connect-views',
} as const;

export async function startLocalService(options: LocalServiceOptions): Promise<LocalService> {
  const region = options.region ?? LOCAL_DEFAULTS.region;
  const accountId = options.accountId ?? LOCAL_DEFAULTS.accountId;
  const accessKeyId = options.accessKeyId ?? LOCAL_DEFAULTS.accessKeyId;
  const secretAccessKey = options.secretAccessKey ?? LOCAL_DEFAULTS.secretAccessKey;
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

  const documentClient = options.documentClient ?? createDocumentClient({ endpoint: options.dynamoEndpoint, region, credentials });
  const admin = localDynamoClient(options.dynamoEndpoint, region);
  await ensureTable(admin, options.tableName);
  const storeOptions: StoreOptions = {
    ...(options.chunkBytes ? { chunkBytes: options.chunkBytes } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  };
  const table = { region, accountId, tableName: options.tableName };
  if (options.iam) guardDynamoDb(documentClient, localGuard(options.iam, 'api', table));
  const store = new ViewStore(documentClient, options.tableName, {
    ...storeOptions,
    ...(options.beforeWrite ? { beforeWrite: options.beforeWrite } : {}),
  });

  // In AWS a stream consumer of its own finishes DeleteViews; here the poller does, on its own client.
  const purgeClient = options.purge === true ? createDocumentClient({ endpoint: options.dynamoEndpoint, region, credentials }) : undefined;
  if (purgeClient && options.iam) guardDynamoDb(purgeClient, localGuard(options.iam, 'purge', table));
  const purgeStore = purgeClient ? new ViewStore(purgeClient, options.tableName, storeOptions) : undefined;
  const purge =
    typeof options.purge === 'function'
      ? options.purge
      : purgeStore
        ? async ({ instanceId, viewId }: PurgeRequest, signal: AbortSignal) => {
            while (!signal.aborted && !(await purgeStore.purgeView(instanceId, viewId, Date.now() + 10_000)));
          }
        : undefined;
  const events =
    options.eventsOutput || purge
      ? await startEventPoller({
          dynamo: admin,
          endpoint: options.dynamoEndpoint,
          region,
          accountId,
          tableName: options.tableName,
          ...(options.eventsOutput ? { output: options.eventsOutput } : {}),
          ...(options.eventsCheckpoint ? { checkpointFile: options.eventsCheckpoint } : {}),
          ...(purge ? { purge } : {}),
        })
      : undefined;

  const handler = createHandler({
    store,
    tokenSecret: options.tokenSecret ?? randomBytes(32).toString('base64url'),
    logger: options.logger ?? new Logger({ serviceName: process.env['POWERTOOLS_SERVICE_NAME'] ?? LOCAL_DEFAULTS.serviceName }),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  const served = options.strictPublish ? strictPublish(handler) : handler;
  const gatewayOptions = {
    handler: (event: APIGatewayProxyEvent, context: Context) => served(event, context),
    auth: {
      credentials: new Map([[accessKeyId, secretAccessKey]]),
      region,
      services: options.signingNames ?? LOCAL_DEFAULTS.signingNames,
      maxSkewMs: 5 * 60 * 1000,
    },
    accountId,
    ...(options.functionTimeoutMs ? { functionTimeoutMs: options.functionTimeoutMs } : {}),
    ...(options.integrationTimeoutMs ? { integrationTimeoutMs: options.integrationTimeoutMs } : {}),
    ...(options.verifySignatures === false ? { verifySignatures: false } : {}),
    ...(options.apiType ? { apiType: options.apiType } : {}),
  };
  let server: Server;
  let url: string;
  try {
    server = createGateway(gatewayOptions, options.server);
    url = options.server ? urlOf(options.server) : await listen(server, options.port ?? 0);
  } catch (error) {
    await events?.stop(0);
    admin.destroy();
    purgeClient?.destroy();
    throw error;
  }

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
    close: async ({ drainMs = 10_000 } = {}) => {
      const cut = await closeGracefully(server, drainMs);
      if (cut > 0) console.error(`local gateway: ${cut} requests still running after ${drainMs} ms were cut`);
      await events?.stop();
      admin.destroy();
      purgeClient?.destroy();
    },
  };
}
