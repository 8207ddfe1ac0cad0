import { randomUUID } from 'node:crypto';
import { after, before } from 'node:test';
import { ConnectClient, type ConnectClientConfig } from '@aws-sdk/client-connect';
import { API_TYPES, type ApiType } from '../../emulator/gateway/api-types.ts';
import { startLocalService, type LocalService, type LocalServiceOptions } from '../../emulator/service.ts';
import { serviceTemplate } from './iam-template.ts';

/**
 * Files that write thousands of items: DynamoDB Local slows every write down by each table with a
 * stream it has ever held, so these get the instance test/run.ts keeps apart from the others.
 */
const HEAVY_WRITERS = ['test/integration/purge.test.ts', 'test/integration/views-as-code-scale.test.ts'];

/**
 * Integration tests run against the local gateway + handler + DynamoDB Local that `npm test`
 * started, each test file on a table of its own. npm test runs a few DynamoDB Locals
 * (DYNAMODB_ENDPOINTS, see test/run.ts): a heavy writer talks to the last, every other file to one
 * of the rest, always the same, chosen by its path.
 */
export function dynamoEndpoint(): string {
  const endpoints = process.env['DYNAMODB_ENDPOINTS']?.split(',').filter(Boolean) ?? [];
  if (endpoints.length > 0) {
    const file = process.argv[1] ?? '';
    if (endpoints.length > 1 && HEAVY_WRITERS.some((heavy) => file.endsWith(heavy))) return endpoints.at(-1)!;
    const shared = endpoints.length > 1 ? endpoints.slice(0, -1) : endpoints;
    let hash = 0;
    for (const char of file) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
    return shared[hash % shared.length]!;
  }
  const endpoint = process.env['DYNAMODB_ENDPOINT'];
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set: run the suite with `npm test`, which starts DynamoDB Local');
  return endpoint;
}

/**
 * The API Gateway the local gateway behaves as in this test file: REST unless the file runs the
 * suites again as an HTTP API (test/integration/http-api/, which sets VIEWS_API_TYPE=http).
 */
export function testApiType(): ApiType {
  const value = process.env['VIEWS_API_TYPE'] ?? 'rest';
  if (!API_TYPES.includes(value as ApiType)) throw new Error(`VIEWS_API_TYPE must be ${API_TYPES.join(' or ')}, not ${value}`);
  return value as ApiType;
}

export async function startTestService(options: Partial<LocalServiceOptions> = {}): Promise<LocalService> {
  return startLocalService({
    apiType: testApiType(),
    dynamoEndpoint: dynamoEndpoint(),
    tableName: `views-test-${randomUUID()}`,
    tokenSecret: 'test-pagination-secret-0123456789',
    // Every call the handler makes is held to what the synthesized template grants its role.
    iam: await serviceTemplate(),
    ...options,
  });
}

/** The official client, exactly as a user configures it for the local service: nothing but an endpoint. */
export function connectClient(service: LocalService, overrides: Partial<ConnectClientConfig> = {}): ConnectClient {
  return new ConnectClient({
    endpoint: service.url,
    region: service.region,
    credentials: { accessKeyId: service.accessKeyId, secretAccessKey: service.secretAccessKey },
    ...overrides,
  });
}

/** A fresh instance id per test keeps tests independent on a shared table. */
export function newInstanceId(): string {
  return `inst-${randomUUID()}`;
}

export interface TestService {
  service: LocalService;
  client: ConnectClient;
}

/** One service and SDK client for the whole test file: started before its tests, stopped after. */
export function useTestService(
  options: Partial<LocalServiceOptions> = {},
  clientOverrides: Partial<ConnectClientConfig> = {},
): TestService {
  const context = {} as TestService;
  before(async () => {
    context.service = await startTestService(options);
    context.client = connectClient(context.service, clientOverrides);
  });
  after(async () => {
    context.client.destroy();
    await context.service.close();
  });
  return context;
}
