import { Logger } from '@aws-lambda-powertools/logger';
import { createDocumentClient } from '#store/client.ts';
import { ViewStore } from '#store/view-store.ts';
import { createPurgeWorker } from './purge-worker.ts';

/**
 * The purge worker's Lambda entry point, on the table's change stream (purge requests only).
 * TABLE_NAME: the table; POWERTOOLS_SERVICE_NAME and POWERTOOLS_LOG_LEVEL: Powertools' own.
 */
const tableName = process.env['TABLE_NAME'];
if (!tableName) throw new Error('environment variable TABLE_NAME is not set');

export const handler = createPurgeWorker(
  new ViewStore(createDocumentClient(), tableName),
  new Logger({ serviceName: process.env['POWERTOOLS_SERVICE_NAME'] ?? 'connect-views-purge' }),
);
