import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { API_TYPES, type ApiType } from './gateway/api-types.ts';
import { LocalStartError, startLocalViews, type LocalViews, type LocalViewsOptions } from './index.ts';

/**
 * `npm start` (and the `connect-views-local` command of the package): the Views API on
 * http://127.0.0.1:8080, on DynamoDB Local with its data under `.data/`. Stops on Ctrl-C, answering
 * the requests already received first.
 */
/** An instance id of the form Amazon Connect uses (a UUID), for the examples. */
const EXAMPLE_INSTANCE = '4d2a7f8c-1b3e-4a5f-9c6d-7e8f9a0b1c2d';

export const USAGE = `Usage: connect-views-local [options]   (each option also as an environment variable)

  --port N                  PORT               port on 127.0.0.1 (default 8080; 0 picks a free one)
  --data-dir DIR            DATA_DIR           where DynamoDB Local keeps its data (default .data; "memory" keeps nothing)
  --dynamodb-endpoint URL   DYNAMODB_ENDPOINT  use a DynamoDB that is already running instead of DynamoDB Local
  --table NAME              TABLE_NAME         the table, created if missing (default connect-views)
  --region REGION           AWS_REGION         the region requests are signed for (default us-east-1)
  --events-file FILE        EVENTS_FILE        events as JSON lines; "-" for stdout (default DATA_DIR/events.jsonl)
  --signing-names LIST      SIGNING_NAMES      services a signature may be scoped to (default connect,execute-api)
  --verbose                 POWERTOOLS_LOG_LEVEL=INFO   a JSON log line per request (default: problems only)
  --api-type rest|http      API_TYPE           the API Gateway to behave as: its timeout and error answers (default rest)
  --strict-publish          STRICT_PUBLISH=1   refuse to publish content that fails connect-views lint's error rules (default off)
                            LOCAL_ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY   the one accepted credential (test / test)
                            PAGINATION_TOKEN_SECRET                        HMAC key of NextTokens (random per start)

Requests that arrive while it starts are held and answered once it is ready: a script may wait for
the port to open (wait-on tcp:8080) and go. Data is kept in DATA_DIR: start fresh with
DATA_DIR=memory, or by deleting the folder while the service is stopped.`;

const OPTIONS = {
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  'dynamodb-endpoint': { type: 'string' },
  table: { type: 'string' },
  region: { type: 'string' },
  'events-file': { type: 'string' },
  'signing-names': { type: 'string' },
  verbose: { type: 'boolean' },
  'api-type': { type: 'string' },
  'strict-publish': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function main(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let flags: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS }>>['values'];
  try {
    flags = parseArgs({ args, options: OPTIONS }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (flags.help) {
    console.log(USAGE);
    process.exit(0);
  }

  const port = Number(flags.port ?? env['PORT'] ?? 8080);
  const dataDir = flags['data-dir'] ?? env['DATA_DIR'] ?? '.data';
  const dynamoEndpoint = flags['dynamodb-endpoint'] ?? env['DYNAMODB_ENDPOINT'];
  // Beside the data, also with DYNAMODB_ENDPOINT: the events' checkpoint lives beside the events file.
  const eventsFile = flags['events-file'] ?? env['EVENTS_FILE'] ?? (dataDir === 'memory' ? '-' : join(dataDir, 'events.jsonl'));
  const signingNames = (flags['signing-names'] ?? env['SIGNING_NAMES'])
    ?.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  // Quiet by default: a line per request fills a terminal; --verbose (or POWERTOOLS_LOG_LEVEL) asks for them.
  const logLevel = (flags.verbose ? 'INFO' : env['POWERTOOLS_LOG_LEVEL']?.toUpperCase() || 'WARN') as NonNullable<
    LocalViewsOptions['logLevel']
  >;
  const apiType = flags['api-type'] ?? env['API_TYPE'] ?? 'rest';
  if (!API_TYPES.includes(apiType as ApiType)) {
    console.error(`API_TYPE must be ${API_TYPES.join(' or ')}, not ${apiType}.`);
    process.exit(2);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a port number (0 picks a free one), not ${flags.port ?? env['PORT']}.`);
    process.exit(2);
  }

  const options: LocalViewsOptions = {
    port,
    ...(dataDir !== 'memory' && !dynamoEndpoint ? { dataDir } : {}),
    ...(dynamoEndpoint ? { dynamoEndpoint } : {}),
    tableName: flags.table ?? env['TABLE_NAME'] ?? 'connect-views',
    region: flags.region ?? env['AWS_REGION'] ?? 'us-east-1',
    credentials: { accessKeyId: env['LOCAL_ACCESS_KEY_ID'] ?? 'test', secretAccessKey: env['LOCAL_SECRET_ACCESS_KEY'] ?? 'test' },
    eventsFile,
    ...(env['PAGINATION_TOKEN_SECRET'] ? { tokenSecret: env['PAGINATION_TOKEN_SECRET'] } : {}),
    ...(signingNames?.length ? { signingNames } : {}),
    apiType: apiType as ApiType,
    logLevel,
    ...(flags['strict-publish'] || ['1', 'true'].includes(env['STRICT_PUBLISH'] ?? '') ? { strictPublish: true } : {}),
  };

  // Signals are handled from the start: a Ctrl-C that comes while starting, or just as the banner
  // appears, must not find the process without its handler.
  let views: LocalViews | undefined;
  let stopping = false;
  async function stop(reason: string) {
    stopping = true;
    console.log(`\n${reason}: stopping…`);
    await views?.stop();
    process.exit(0);
  }
  function onSignal(signal: NodeJS.Signals) {
    if (stopping || !views) {
      // A second Ctrl-C (no wait for the drain), or one while starting (nothing to drain yet): what
      // was started ends with this process (DynamoDB Local through its watchdog).
      console.log(`\n${signal}: stopping at once.`);
      process.exit(130);
    }
    void stop(signal);
  }
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // npm (npm start, npx) does not always pass a SIGTERM on to the command it runs: killed, it can leave
  // this process running on its own. Started by npm, the service stops when its parent is gone.
  if (env['npm_command']) {
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent && !stopping) void stop('the npm process that started this one exited');
    }, 500).unref();
  }

  try {
    views = await startLocalViews({ ...options, progress: (message) => console.log(message) });
  } catch (error) {
    if (!(error instanceof LocalStartError)) throw error;
    // Something the user can fix: one line saying what, nothing left running.
    // The library's words name its option (port 0); the command's, its variable and flag.
    console.error(error.message.replace('(0 picks a free one)', '(PORT=0 or --port 0 picks a free one)'));
    process.exit(1);
  }

  const names = signingNames?.length ? signingNames : ['connect', 'execute-api'];
  console.log(`
Amazon Connect Views API, local
  endpoint     ${views.endpoint}
  region       ${views.region}   (signatures scoped to ${names.join(' or ')})
  credentials  access key "${views.credentials.accessKeyId}", secret "${views.credentials.secretAccessKey}"
  account      ${views.accountId}   (in view ARNs)
  DynamoDB     ${views.dynamoEndpoint}, table ${views.tableName}${dynamoEndpoint ? '' : ' (DynamoDB Local listens on all interfaces)'}
  events       ${!views.eventsFile || views.eventsFile === '-' ? 'stdout' : views.eventsFile} (JSON lines, as EventBridge delivers them)${
    options.strictPublish ? '\n  strict       publishing refuses content that fails connect-views lint' : ''
  }

Any AWS SDK or the AWS CLI works with just this endpoint, e.g.
  export AWS_ACCESS_KEY_ID=${views.credentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${views.credentials.secretAccessKey}
  aws connect list-views --instance-id ${EXAMPLE_INSTANCE} --endpoint-url ${views.endpoint} --region ${views.region}
  npx connect-views studio --instance-id ${EXAMPLE_INSTANCE} --endpoint-url ${views.endpoint} --region ${views.region}   (in a browser)
Instances need no creating: any instance id names one (SearchViews wants a UUID, as Amazon Connect does).
Ctrl-C stops (answering the requests already received first). A line per request: --verbose.`);
}
