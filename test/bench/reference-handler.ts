import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

/** The cold-start yardstick: a handler that only sets up the DynamoDB document client. */
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async () => client.send(new GetCommand({ TableName: process.env['TABLE_NAME'], Key: { PK: 'a', SK: 'b' } }));
