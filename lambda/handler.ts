import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createHandler } from './service.ts';
import { METRICS_NAMESPACE, SERVICE_NAME } from './observability.ts';
import { SecretPageTokenKeys } from './page-token-keys.ts';
import { createDocumentClient } from '#store/client.ts';
import { ViewStore } from '#store/view-store.ts';

/**
 * The Lambda entry point. Configuration comes from the environment only, so the same bundle runs
 * on AWS and behind the local gateway:
 * - TABLE_NAME: the DynamoDB table;
 * - PAGINATION_TOKEN_SECRET_ID: the Secrets Manager secret holding the HMAC key of NextTokens, read
 *   at run time (AWSCURRENT signs, AWSPREVIOUS still verifies) and cached for 5 minutes; or
 *   PAGINATION_TOKEN_SECRET: the key itself (at least 16 characters), where no secret is at hand;
 * - DYNAMODB_ENDPOINT: optional, another DynamoDB endpoint (DynamoDB Local);
 * - POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL, POWERTOOLS_METRICS_NAMESPACE: Powertools' own;
 * - POWERTOOLS_TRACE_ENABLED: `false` leaves the X-Ray SDK unloaded.
 */
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

function tokenSecret() {
  const secretId = process.env['PAGINATION_TOKEN_SECRET_ID'];
  if (secretId) return new SecretPageTokenKeys(secretId);
  if (process.env['PAGINATION_TOKEN_SECRET']) return required('PAGINATION_TOKEN_SECRET');
  throw new Error('set PAGINATION_TOKEN_SECRET_ID (a Secrets Manager secret) or PAGINATION_TOKEN_SECRET (the key)');
}

const serviceName = process.env['POWERTOOLS_SERVICE_NAME'] ?? SERVICE_NAME;
// The X-Ray SDK costs ~35 ms of cold start; it is loaded only where it will trace (in Lambda).
const tracing = process.env['POWERTOOLS_TRACE_ENABLED'] !== 'false' && process.env['AWS_LAMBDA_FUNCTION_NAME'] !== undefined;
const tracer = tracing ? new (await import('@aws-lambda-powertools/tracer')).Tracer({ serviceName }) : undefined;
const endpoint = process.env['DYNAMODB_ENDPOINT'];
const store = new ViewStore(
  createDocumentClient(endpoint ? { endpoint } : {}, tracer ? (client) => tracer.captureAWSv3Client(client) : undefined),
  required('TABLE_NAME'),
);

export const handler = createHandler({
  store,
  tokenSecret: tokenSecret(),
  logger: new Logger({ serviceName }),
  metrics: new Metrics({ serviceName, namespace: process.env['POWERTOOLS_METRICS_NAMESPACE'] ?? METRICS_NAMESPACE }),
  ...(tracer ? { tracer } : {}),
});
