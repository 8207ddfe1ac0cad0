import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

const context = {
  awsRequestId: 'lambda-request-id',
  invokedFunctionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:views',
  functionName: 'views',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

function event(method: string, path: string, body?: string): APIGatewayProxyEvent {
  return {
    httpMethod: method,
    path,
    body: body ?? null,
    isBase64Encoded: false,
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    resource: '/{proxy+}',
    requestContext: { requestId: 'api-request-id' } as APIGatewayProxyEvent['requestContext'],
  };
}

describe('the Lambda entry point', () => {
  it('configures itself from the environment and answers without touching DynamoDB for bad input', async () => {
    process.env['TABLE_NAME'] = 'views';
    process.env['PAGINATION_TOKEN_SECRET'] = 'a-long-enough-secret';
    process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
    const { handler } = await import('../../lambda/handler.ts');

    const unknown = await handler(event('GET', '/nowhere'), context);
    assert.equal(unknown.statusCode, 400);
    assert.equal(unknown.headers!['x-amzn-ErrorType'], 'InvalidRequestException');
    assert.equal(unknown.headers!['x-amzn-RequestId'], 'api-request-id');

    const badJson = await handler(event('PUT', '/views/i', '{'), context);
    assert.equal(badJson.statusCode, 400);
    assert.deepEqual(JSON.parse(badJson.body), { Message: 'The request body is not valid JSON.' });

    const foreignArn = await handler(event('GET', '/views/i/arn:aws:connect:us-east-1:123456789012:instance/i/view/v'), context);
    assert.equal(foreignArn.statusCode, 404, 'ARNs are checked against the function’s own region and account');
  });
});
