import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { startDynamoDbLocal, waitForDynamoDb, type DynamoDbLocal } from './dynamodb-local/launcher.ts';
import { LocalStartError } from './errors.ts';
import { closeGracefully, createManagedServer, listen } from './gateway/http-server.ts';
import { LOCAL_DEFAULTS, startLocalService, type LocalService } from './service.ts';
import type { CfnTemplate } from './iam/intrinsics.ts';

export { LocalStartError, type StartProblem } from './errors.ts';

/**
 * The Amazon Connect Views API on this machine, for other projects' tests: one call starts
 * DynamoDB Local and the service behind its SigV4-verifying gateway, and hands back what a client
 * needs. Stock AWS clients work with nothing but the endpoint (and these credentials).
 */
export interface LocalViewsOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Keeps the data in this folder across runs; in memory (nothing kept) when absent. */
  dataDir?: string;
  /** A DynamoDB that is already running (e.g. `http://127.0.0.1:8000`); then no DynamoDB Local is started. */
  dynamoEndpoint?: string;
  /** Created when missing. Default `connect-views`. */
  tableName?: string;
  /** The region requests are signed for, and that ARNs carry. Default `us-east-1`. */
  region?: string;
  /** The one credential the gateway accepts. Default `test` / `test`. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /**
   * Where the events go, one JSON line each, as EventBridge delivers them; `-` for stdout.
   * Default: `<dataDir>/events.jsonl`, none in memory.
   */
  eventsFile?: string;
  /** HMAC key of the NextTokens; random per start by default (tokens then do not survive a restart). */
  tokenSecret?: string;
  /** The services a SigV4 scope may name. Default `connect` and `execute-api`. */
  signingNames?: readonly string[];
  /**
   * The API Gateway the local gateway behaves as: `rest` (the default deployment) or `http` (a
   * deployment with `-c apiType=http`: its timeout and its own error answers). Spelled out, not
   * gateway/api-types.ts's ApiType: the package's declarations carry this file alone.
   */
  apiType?: 'rest' | 'http';
  /** One JSON log line per request at INFO; default WARN (problems only). */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /** Where notices go (an orphaned DynamoDB Local stopped, an outbox replay); default stderr. */
  log?: (message: string) => void;
  /** Told what a slow start is doing (DynamoDB Local takes a few seconds); silent by default. */
  progress?: (message: string) => void;
  /**
   * The API stack template whose roles the local service enforces: the handler's DynamoDB calls
   * are refused, as on AWS, where its role does not grant them. Default: this release's own.
   */
  iam?: CfnTemplate;
  /**
   * Refuse to publish (CreateView / UpdateViewContent with Status PUBLISHED) content that fails the
   * error rules of `connect-views lint`, with InvalidRequestException naming the rule. Off by
   * default: Connect's own validation is not published in full, so nothing Connect might accept is
   * refused unless asked.
   */
  strictPublish?: boolean;
}

export interface LocalViews {
  /** e.g. `http://127.0.0.1:41234`: the `endpoint` / `endpoint_url` / `--endpoint-url` of any AWS client. */
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** The account in view ARNs. */
  accountId: string;
  tableName: string;
  dynamoEndpoint: string;
  eventsFile?: string;
  /** Resolves once every change made so far has its event written and every deleted view is purged. */
  flushEvents(timeoutMs?: number): Promise<void>;
  /** Answers the requests already received, writes pending events, stops DynamoDB Local. */
  stop(): Promise<void>;
}

/** Takes the port before anything else starts, so that a busy port costs nothing and leaves nothing behind. */
async function reservePort(port: number): Promise<Server> {
  const server = createManagedServer();
  try {
    await listen(server, port);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new LocalStartError(
        'port-in-use',
        `Port ${port} on 127.0.0.1 is already in use: stop what is listening there, or pick another port (0 picks a free one).`,
      );
    }
    throw error;
  }
  return server;
}

/** This release's API stack template, synthesized while DynamoDB Local starts (baked into the package). */
function releaseTemplate(): Promise<CfnTemplate> {
  return import('../lib/templates.ts').then(({ synthesizeApiTemplate }) => synthesizeApiTemplate());
}

export async function startLocalViews(options: LocalViewsOptions = {}): Promise<LocalViews> {
  const log = options.log ?? ((message: string) => console.error(message));
  const server = await reservePort(options.port ?? 0);
  const iam = options.iam ? Promise.resolve(options.iam) : releaseTemplate();
  // Awaited below; a failure must not go unhandled while DynamoDB Local starts.
  iam.catch(() => undefined);
  let dynamo: DynamoDbLocal | undefined;
  let service: LocalService | undefined;
  try {
    let dynamoEndpoint = options.dynamoEndpoint;
    if (dynamoEndpoint) await waitForDynamoDb(dynamoEndpoint, 10_000);
    else {
      options.progress?.(`Starting DynamoDB Local (${options.dataDir ? `data in ${options.dataDir}/` : 'in memory'})…`);
      dynamo = await startDynamoDbLocal({ ...(options.dataDir ? { dbPath: options.dataDir } : {}), log });
      dynamoEndpoint = dynamo.endpoint;
    }
    const persistent = options.dataDir !== undefined && !options.dynamoEndpoint;
    const eventsFile = options.eventsFile ?? (persistent ? join(options.dataDir!, 'events.jsonl') : undefined);
    const credentials = options.credentials ?? { accessKeyId: LOCAL_DEFAULTS.accessKeyId, secretAccessKey: LOCAL_DEFAULTS.secretAccessKey };
    service = await startLocalService({
      dynamoEndpoint,
      tableName: options.tableName ?? 'connect-views',
      server,
      region: options.region ?? LOCAL_DEFAULTS.region,
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      tokenSecret: options.tokenSecret ?? randomBytes(32).toString('base64url'),
      logger: new Logger({ serviceName: LOCAL_DEFAULTS.serviceName, logLevel: options.logLevel ?? 'WARN' }),
      ...(options.signingNames ? { signingNames: options.signingNames } : {}),
      ...(options.apiType ? { apiType: options.apiType } : {}),
      purge: true,
      ...(options.strictPublish ? { strictPublish: true } : {}),
      ...(eventsFile ? { eventsOutput: eventsFile } : {}),
      iam: await iam,
      // Without an events file the stream position (and open purges) are kept in the data folder.
      ...(persistent && (!eventsFile || eventsFile === '-') ? { eventsCheckpoint: join(options.dataDir!, 'stream.checkpoint') } : {}),
    });
    const running = service;
    const runningDynamo = dynamo;
    let stopping: Promise<void> | undefined;
    return {
      endpoint: running.url,
      region: running.region,
      credentials,
      accountId: running.accountId,
      tableName: running.tableName,
      dynamoEndpoint,
      ...(eventsFile ? { eventsFile } : {}),
      flushEvents: (timeoutMs) => running.events!.flush(timeoutMs),
      stop: () =>
        (stopping ??= (async () => {
          await running.close();
          await runningDynamo?.stop();
        })()),
    };
  } catch (error) {
    if (service) await service.close({ drainMs: 0 });
    else await closeGracefully(server, 0);
    await dynamo?.stop();
    throw error;
  }
}
