import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dynamoDbAccess } from '../../emulator/iam/dynamodb.ts';
import { resolve, type CfnTemplate } from '../../emulator/iam/intrinsics.ts';
import { Permissions, accessDeniedMessage } from '../../emulator/iam/policy.ts';
import { functionsOf, permissionsOf } from '../../emulator/iam/template.ts';

const where = { partition: 'aws', region: 'eu-west-1', accountId: '123456789012' };
const table = 'arn:aws:dynamodb:eu-west-1:123456789012:table/views';

describe('IAM policy evaluation', () => {
  const permissions = new Permissions([
    { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Put*'], Resource: table },
    { Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: 'arn:aws:logs:eu-west-1:123456789012:log-group:g:*' },
    { Effect: 'Deny', Action: 'dynamodb:PutItem', Resource: `${table}-archive` },
  ]);

  it('allows an action only on the resources granted, wildcards matching, action names in any case', () => {
    assert.equal(permissions.allows({ action: 'dynamodb:GetItem', resource: table }), true);
    assert.equal(permissions.allows({ action: 'DynamoDB:getitem', resource: table }), true);
    assert.equal(permissions.allows({ action: 'dynamodb:PutItem', resource: table }), true);
    assert.equal(permissions.allows({ action: 'dynamodb:GetItem', resource: `${table}2` }), false);
    assert.equal(permissions.allows({ action: 'dynamodb:ConditionCheckItem', resource: table }), false);
    assert.equal(
      permissions.allows({ action: 'logs:PutLogEvents', resource: 'arn:aws:logs:eu-west-1:123456789012:log-group:g:log-stream:s' }),
      true,
    );
    assert.equal(
      permissions.allows({ action: 'logs:PutLogEvents', resource: 'arn:aws:logs:eu-west-1:123456789012:log-group:other:log-stream:s' }),
      false,
    );
  });

  it('lets a Deny win, and never reads an unreadable statement as a grant', () => {
    const denied = new Permissions([
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Effect: 'Deny', Action: 'dynamodb:DeleteItem', Resource: table },
    ]);
    assert.equal(denied.allows({ action: 'dynamodb:DeleteItem', resource: table }), false);
    assert.equal(denied.allows({ action: 'dynamodb:GetItem', resource: table }), true);
    const conditional = new Permissions([
      { Effect: 'Allow', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } },
    ]);
    assert.equal(conditional.allows({ action: 'dynamodb:GetItem', resource: table }), false);
  });

  it('takes one action out, and words a refusal as AWS does', () => {
    assert.equal(permissions.without('dynamodb:GetItem').allows({ action: 'dynamodb:GetItem', resource: table }), false);
    assert.equal(
      accessDeniedMessage('arn:aws:sts::1:assumed-role/R/F', { action: 'dynamodb:GetItem', resource: table }),
      `User: arn:aws:sts::1:assumed-role/R/F is not authorized to perform: dynamodb:GetItem on resource: ${table} ` +
        'because no identity-based policy allows the dynamodb:GetItem action',
    );
  });
});

describe('the IAM actions a DynamoDB request needs', () => {
  it('authorizes each transaction item by its own action', () => {
    const items = [
      { Put: { TableName: 'views' } },
      { Update: { TableName: 'views' } },
      { Delete: { TableName: 'views' } },
      { ConditionCheck: { TableName: 'views' } },
    ];
    assert.deepEqual(
      dynamoDbAccess('TransactWriteItems', { TransactItems: items }, where).map((a) => a.action),
      ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem'],
    );
    assert.deepEqual(dynamoDbAccess('TransactGetItems', { TransactItems: [{ Get: { TableName: 'views' } }] }, where), [
      { action: 'dynamodb:GetItem', resource: table },
    ]);
  });

  it('authorizes a batch by its own action on every table it names, and reads of an index on the index', () => {
    assert.deepEqual(dynamoDbAccess('BatchWriteItem', { RequestItems: { views: [], other: [] } }, where), [
      { action: 'dynamodb:BatchWriteItem', resource: table },
      { action: 'dynamodb:BatchWriteItem', resource: 'arn:aws:dynamodb:eu-west-1:123456789012:table/other' },
    ]);
    assert.deepEqual(dynamoDbAccess('Query', { TableName: 'views', IndexName: 'byName' }, where), [
      { action: 'dynamodb:Query', resource: `${table}/index/byName` },
    ]);
    assert.deepEqual(
      dynamoDbAccess('GetItem', { TableName: table }, where),
      [{ action: 'dynamodb:GetItem', resource: table }],
      'a table named by its ARN',
    );
  });

  it('authorizes stream reads on the stream, and refuses to guess at an operation it does not know', () => {
    const stream = `${table}/stream/2026-12-04T00:00:00.000`;
    assert.deepEqual(dynamoDbAccess('DescribeStream', { StreamArn: stream }, where), [
      { action: 'dynamodb:DescribeStream', resource: stream },
    ]);
    assert.deepEqual(dynamoDbAccess('GetRecords', { ShardIterator: `000|${stream}|AAAA` }, where), [
      { action: 'dynamodb:GetRecords', resource: stream },
    ]);
    assert.deepEqual(dynamoDbAccess('ListStreams', {}, where), [{ action: 'dynamodb:ListStreams', resource: '*' }]);
    assert.throws(() => dynamoDbAccess('ExecuteStatement', { Statement: 'SELECT' }, where), /no IAM mapping/);
  });
});

describe('a function’s role in a template', () => {
  const template: CfnTemplate = {
    Parameters: { TableArn: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/App/table/arn' } },
    Resources: {
      Fn: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Handler: 'index.handler',
          Runtime: 'nodejs24.x',
          Role: { 'Fn::GetAtt': ['FnRole', 'Arn'] },
          TracingConfig: { Mode: 'Active' },
          Environment: {
            Variables: { TABLE_NAME: { 'Fn::Select': [1, { 'Fn::Split': ['/', { Ref: 'TableArn' }] }] }, BUS: { Ref: 'Bus' } },
          },
        },
      },
      FnRole: { Type: 'AWS::IAM::Role', Properties: {} },
      Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'app-bus' } },
      Policy: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          Roles: [{ Ref: 'FnRole' }],
          PolicyDocument: {
            Statement: [
              { Effect: 'Allow', Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': ['Bus', 'Arn'] } },
              { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: [{ Ref: 'TableArn' }] },
              {
                Effect: 'Allow',
                Action: 'logs:PutLogEvents',
                Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:*']] },
              },
            ],
          },
        },
      },
      Mapping: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: {
          FunctionName: { Ref: 'Fn' },
          BatchSize: 5,
          FilterCriteria: { Filters: [{ Pattern: '{"eventName":["INSERT"]}' }] },
          FunctionResponseTypes: ['ReportBatchItemFailures'],
        },
      },
    },
  };
  const deployment = { ...where, ssm: { '/App/table/arn': table } };

  it('reads the function as Lambda would run it: handler, environment, tracing, event sources', () => {
    const [fn] = functionsOf(template);
    assert.equal(fn!.handler, 'index.handler');
    assert.equal(fn!.tracing, 'Active');
    assert.deepEqual(resolve(template, deployment, fn!.environment), { TABLE_NAME: 'views', BUS: 'app-bus' });
    assert.deepEqual(
      fn!.eventSources.map((s) => [s.batchSize, s.filters, s.reportBatchItemFailures]),
      [[5, ['{"eventName":["INSERT"]}'], true]],
    );
  });

  it('grants what the role’s policies say, on the deployment’s resources', () => {
    const permissions = permissionsOf(template, functionsOf(template)[0]!, deployment);
    assert.equal(
      permissions.allows({ action: 'events:PutEvents', resource: 'arn:aws:events:eu-west-1:123456789012:event-bus/app-bus' }),
      true,
    );
    assert.equal(permissions.allows({ action: 'dynamodb:GetItem', resource: table }), true);
    assert.equal(permissions.allows({ action: 'dynamodb:GetItem', resource: `${table}2` }), false);
    assert.equal(permissions.allows({ action: 'logs:PutLogEvents', resource: 'arn:aws:logs:anything' }), true);
  });
});
