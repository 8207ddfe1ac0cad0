import { randomBytes } from 'node:crypto';
import { startDynamoDbLocal, waitForDynamoDb, type DynamoDbLocal } from './local/dynamodb-local.ts';
import { LOCAL_DEFAULTS, startLocalService } from './local/service.ts';

/**
 * `npm start`: the service on this machine. Starts DynamoDB Local (data kept under `.data/`), creates
 * the table if missing and serves the API on http://127.0.0.1:8080 behind a SigV4-verifying gateway.
 *
 * Environment: PORT (8080), DYNAMODB_ENDPOINT (use a DynamoDB that is already running instead),
 * DATA_DIR (.data; `memory` keeps nothing), TABLE_NAME (connect-views), AWS_REGION (us-east-1),
 * LOCAL_ACCESS_KEY_ID / LOCAL_SECRET_ACCESS_KEY (test / test), PAGINATION_TOKEN_SECRET (random),
 * EVENTS_FILE (DATA_DIR/events.jsonl, or stdout with an in-memory database; `-` for stdout).
 */
const env = process.env;
const port = Number(env['PORT'] ?? 8080);
const dataDir = env['DATA_DIR'] ?? '.data';
const tableName = env['TABLE_NAME'] ?? 'connect-views';
const region = env['AWS_REGION'] ?? LOCAL_DEFAULTS.region;
const accessKeyId = env['LOCAL_ACCESS_KEY_ID'] ?? LOCAL_DEFAULTS.accessKeyId;
const secretAccessKey = env['LOCAL_SECRET_ACCESS_KEY'] ?? LOCAL_DEFAULTS.secretAccessKey;
const eventsOutput = env['EVENTS_FILE'] ?? (dataDir === 'memory' ? '-' : `${dataDir}/events.jsonl`);

let dynamo: DynamoDbLocal | undefined;
let endpoint = env['DYNAMODB_ENDPOINT'];
if (endpoint) {
  await waitForDynamoDb(endpoint, 10_000);
} else {
  console.log(`Starting DynamoDB Local (${dataDir === 'memory' ? 'in memory' : `data in ${dataDir}/`})…`);
  dynamo = await startDynamoDbLocal(dataDir === 'memory' ? {} : { dbPath: dataDir });
  endpoint = dynamo.endpoint;
}

const service = await startLocalService({
  dynamoEndpoint: endpoint,
  tableName,
  port,
  region,
  accessKeyId,
  secretAccessKey,
  tokenSecret: env['PAGINATION_TOKEN_SECRET'] ?? randomBytes(32).toString('base64url'),
  eventsOutput,
});

console.log(`
Amazon Connect Views API, local
  endpoint     ${service.url}
  region       ${service.region}   (sign for service "execute-api")
  credentials  access key "${service.accessKeyId}", secret "${service.secretAccessKey}"
  account      ${service.accountId}   (in view ARNs)
  DynamoDB     ${endpoint}, table ${tableName}${dynamo ? ' (DynamoDB Local listens on all interfaces)' : ''}
  events       ${eventsOutput === '-' ? 'stdout' : eventsOutput} (JSON lines, as EventBridge delivers them)

Call it with the AWS SDKs (signing name execute-api): see README.md. Ctrl-C stops.`);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  await service.close();
  await dynamo?.stop();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
