import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AWS_CLIENT_DEFAULTS } from '../aws-clients.ts';

/**
 * The document client every store uses. Timeouts are explicit so that a stalled connection turns
 * into a retried request (then an InternalServiceException), never a Lambda timeout.
 */
export function createDocumentClient(
  config: DynamoDBClientConfig = {},
  instrument?: (client: DynamoDBClient) => DynamoDBClient,
): DynamoDBDocumentClient {
  let client = new DynamoDBClient({ ...AWS_CLIENT_DEFAULTS, ...config });
  if (instrument) client = instrument(client);
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}
