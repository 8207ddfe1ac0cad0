import { Logger } from '@aws-lambda-powertools/logger';
import { createHandler } from './service.ts';
import { createDocumentClient } from '#store/client.ts';
import { ViewStore } from '#store/view-store.ts';

/**
 * The Lambda entry point. Configuration comes from the environment only, so the same bundle runs
 * on AWS and behind the local gateway:
 * - TABLE_NAME: the DynamoDB table;
 * - PAGINATION_TOKEN_SECRET: the HMAC key of NextTokens (at least 16 characters);
 * - DYNAMODB_ENDPOINT: optional, another DynamoDB endpoint (DynamoDB Local).
 */
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

const endpoint = process.env['DYNAMODB_ENDPOINT'];
const store = new ViewStore(createDocumentClient(endpoint ? { endpoint } : {}), required('TABLE_NAME'));

export const handler = createHandler({
  store,
  tokenSecret: required('PAGINATION_TOKEN_SECRET'),
  logger: new Logger({ serviceName: process.env['POWERTOOLS_SERVICE_NAME'] ?? 'connect-views' }),
});
