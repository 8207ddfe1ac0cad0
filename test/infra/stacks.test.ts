import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Template } from 'aws-cdk-lib/assertions';
import { STORE_ACTIONS } from '#store/permissions.ts';
import { synthesizeService } from './app.ts';

const service = synthesizeService();
const data = service.dataTemplate();
const api = service.apiTemplate();

function resources(template: Template, type: string): Record<string, { Properties: Record<string, any>; [key: string]: any }> {
  return template.findResources(type) as never;
}

function only<T>(record: Record<string, T>): T {
  const values = Object.values(record);
  assert.equal(values.length, 1);
  return values[0]!;
}

/** A resource by the start of its logical id (the construct path without separators). */
function byId(template: Template, type: string, prefix: string) {
  const found = Object.entries(resources(template, type)).filter(([id]) => id.startsWith(prefix));
  assert.equal(found.length, 1, `one ${type} whose id starts with ${prefix}`);
  return found[0]![1];
}

type Statement = { Action: string | string[]; Resource: unknown };
function statementsOf(template: Template, policyPrefix: string): Statement[] {
  return byId(template, 'AWS::IAM::Policy', policyPrefix).Properties['PolicyDocument']['Statement'] as Statement[];
}

describe('data stack', () => {
  it('keeps the table safe: on-demand, PITR, deletion protection, retained, encrypted, TTL', () => {
    const table = only(resources(data, 'AWS::DynamoDB::Table'));
    assert.equal(table['DeletionPolicy'], 'Retain');
    assert.equal(table['UpdateReplacePolicy'], 'Retain');
    const props = table.Properties;
    assert.equal(props['BillingMode'], 'PAY_PER_REQUEST');
    assert.deepEqual(props['PointInTimeRecoverySpecification'], { PointInTimeRecoveryEnabled: true });
    assert.equal(props['DeletionProtectionEnabled'], true);
    assert.deepEqual(props['SSESpecification'], { SSEEnabled: true });
    assert.deepEqual(props['TimeToLiveSpecification'], { AttributeName: 'expiresAt', Enabled: true });
    assert.deepEqual(props['StreamSpecification'], { StreamViewType: 'NEW_IMAGE' });
    assert.deepEqual(props['KeySchema'], [
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ]);
    data.hasOutput('TableName', {});
  });

  it('holds nothing stateless, so redeploying the API never touches it', () => {
    assert.deepEqual(Object.keys(data.toJSON()['Resources']).filter((id) => id !== 'CDKMetadata').length, 1);
  });
});

describe('API stack', () => {
  it('requires SigV4 (AWS_IAM) on every method, with one {proxy+} Lambda proxy route', () => {
    const methods = resources(api, 'AWS::ApiGateway::Method');
    assert.ok(Object.keys(methods).length >= 1);
    for (const [id, method] of Object.entries(methods)) {
      assert.equal(method.Properties['AuthorizationType'], 'AWS_IAM', id);
      assert.equal(method.Properties['Integration']['Type'], 'AWS_PROXY', id);
    }
    api.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{proxy+}' });
  });

  it('throttles the stage, logs access as JSON and errors, never bodies, and traces with X-Ray', () => {
    const stage = only(resources(api, 'AWS::ApiGateway::Stage')).Properties;
    assert.equal(stage['StageName'], 'prod');
    assert.equal(stage['TracingEnabled'], true);
    assert.deepEqual(stage['MethodSettings'], [
      {
        DataTraceEnabled: false,
        HttpMethod: '*',
        LoggingLevel: 'ERROR',
        MetricsEnabled: true,
        ResourcePath: '/*',
        ThrottlingBurstLimit: 200,
        ThrottlingRateLimit: 100,
      },
    ]);
    const format = JSON.parse(stage['AccessLogSetting']['Format']);
    for (const field of ['requestId', 'status', 'httpMethod', 'resourcePath', 'user']) assert.ok(field in format, field);
  });

  it('gives every log group a retention', () => {
    const groups = Object.values(resources(api, 'AWS::Logs::LogGroup'));
    assert.equal(groups.length, 3, 'two functions’ logs and the access logs');
    for (const group of groups) assert.equal(group.Properties['RetentionInDays'], 30);
  });

  it('runs every function on Node.js 24, arm64, traced, with its own log group', () => {
    const functions = Object.values(resources(api, 'AWS::Lambda::Function'));
    assert.equal(functions.length, 2, 'the API handler and the event publisher');
    for (const { Properties: fn } of functions) {
      assert.equal(fn['Runtime'], 'nodejs24.x');
      assert.deepEqual(fn['Architectures'], ['arm64']);
      assert.equal(fn['Handler'], 'index.handler');
      assert.deepEqual(fn['TracingConfig'], { Mode: 'Active' });
      assert.ok(fn['LoggingConfig']['LogGroup']['Ref']);
    }
  });

  it('configures the API handler with its table, token secret and Powertools settings, inside API Gateway’s timeout', () => {
    const fn = byId(api, 'AWS::Lambda::Function', 'ServiceHandler').Properties;
    assert.ok(fn['Timeout'] < 29, 'returns before API Gateway’s 29 s integration timeout');
    const env = fn['Environment']['Variables'];
    assert.deepEqual(Object.keys(env).sort(), ['PAGINATION_TOKEN_SECRET', 'POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME', 'TABLE_NAME']);
    assert.match(JSON.stringify(env['PAGINATION_TOKEN_SECRET']), /resolve:secretsmanager/);
  });

  it('grants the API handler exactly the DynamoDB actions the store uses, on this table only', () => {
    const statements = statementsOf(api, 'ServiceHandlerServiceRoleDefaultPolicy');
    const dynamo = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
    assert.equal(dynamo.length, 1);
    assert.deepEqual([dynamo[0]!.Action].flat().sort(), [...STORE_ACTIONS].sort());
    const tables = [dynamo[0]!.Resource].flat();
    assert.equal(tables.length, 1, 'no index or other table');
    assert.match(JSON.stringify(tables[0]), /^\{"Fn::ImportValue":"ConnectViewsData:ExportsOutputFnGetAttViewsTable[0-9A-F]+Arn[0-9A-F]+"\}$/);
    const others = statements.filter((s) => !dynamo.includes(s));
    assert.deepEqual(others.map((s) => [s.Action].flat().sort()), [['xray:PutTelemetryRecords', 'xray:PutTraceSegments']]);
  });

  it('raises alarms worth waking up for, each notifying the alarm topic', () => {
    const alarms = Object.entries(resources(api, 'AWS::CloudWatch::Alarm'));
    const metricsOf = (alarm: { Properties: Record<string, any> }) =>
      JSON.stringify(alarm.Properties['MetricName'] ?? alarm.Properties['Metrics']);
    const expected: [string, RegExp][] = [
      ['ApiServerErrorRate', /5XXError/],
      ['LambdaErrors', /Errors/],
      ['LambdaThrottles', /Throttles/],
      ['DynamoDbThrottles', /ThrottledRequests/],
      ['DynamoDbSystemErrors', /SystemErrors/],
      ['EventsDeadLetters', /ApproximateNumberOfMessagesVisible/],
      ['EventsDelayed', /IteratorAge/],
    ];
    assert.equal(alarms.length, expected.length);
    for (const [name, metric] of expected) {
      const found = alarms.find(([id]) => id.includes(name));
      assert.ok(found, name);
      assert.match(metricsOf(found[1]), metric, name);
      assert.match(JSON.stringify(found[1].Properties['AlarmActions']), /AlarmTopic/, name);
    }
  });

  it('builds a dashboard with per-operation latency and errors', () => {
    const dashboard = only(resources(api, 'AWS::CloudWatch::Dashboard')).Properties;
    const body = JSON.stringify(dashboard['DashboardBody']);
    assert.match(body, /pct\(latencyMs, 99\)/);
    assert.match(body, /by operation/);
  });

  it('outputs the API URL and a per-instance access policy limited to one instance’s paths', () => {
    api.hasOutput('ApiUrl', {});
    api.hasOutput('InstanceAccessPolicyArn', {});
    const policy = only(resources(api, 'AWS::IAM::ManagedPolicy')).Properties['PolicyDocument'];
    const statement = only({ s: policy['Statement'][0] });
    assert.equal(policy['Statement'].length, 1);
    assert.equal(statement['Action'], 'execute-api:Invoke');
    const resourcesText = JSON.stringify(statement['Resource']);
    for (const path of ['/views/example-instance"', '/views/example-instance/*', ':instance/example-instance/view/*']) {
      assert.ok(resourcesText.includes(path), path);
    }
    assert.ok(!/\/\*\/\*"|\/prod\/\*"/.test(resourcesText), 'no resource covers the whole API');
  });
});

describe('events', () => {
  it('publishes from the table stream: only inserted outbox items, failures reported per item, then a dead-letter queue', () => {
    const mapping = only(resources(api, 'AWS::Lambda::EventSourceMapping')).Properties;
    assert.equal(mapping['StartingPosition'], 'TRIM_HORIZON');
    assert.deepEqual(mapping['FunctionResponseTypes'], ['ReportBatchItemFailures']);
    assert.match(JSON.stringify(mapping['EventSourceArn']), /ViewsTable.*StreamArn/);
    assert.match(JSON.stringify(mapping['DestinationConfig']['OnFailure']), /EventsDeadLetters/);
    const pattern = JSON.parse(mapping['FilterCriteria']['Filters'][0]['Pattern']);
    assert.deepEqual(pattern, { eventName: ['INSERT'], dynamodb: { Keys: { SK: { S: [{ prefix: 'E#' }] } } } });
    const queue = only(resources(api, 'AWS::SQS::Queue')).Properties;
    assert.equal(queue['SqsManagedSseEnabled'], true);
  });

  it('lets the publisher put events on its bus only, read the stream and reach its dead-letter queue', () => {
    const statements = statementsOf(api, 'EventsPublisherHandlerServiceRoleDefaultPolicy');
    const actions = statements.flatMap((s) => [s.Action].flat()).sort();
    assert.ok(actions.includes('events:PutEvents'));
    assert.ok(!actions.some((a) => /^dynamodb:(PutItem|UpdateItem|DeleteItem|GetItem|Query|Scan|Batch)/.test(a)), 'no table data access');
    assert.ok(actions.includes('dynamodb:GetRecords'), 'reads the stream');
    const putEvents = statements.find((s) => [s.Action].flat().includes('events:PutEvents'))!;
    assert.match(JSON.stringify(putEvents.Resource), /EventsBus/);
    const env = byId(api, 'AWS::Lambda::Function', 'EventsPublisherHandler').Properties['Environment']['Variables'];
    assert.match(JSON.stringify(env['EVENT_BUS_NAME']), /EventsBus/);
    api.resourceCountIs('AWS::Events::EventBus', 1);
    api.hasOutput('EventBusName', {});
  });

  it('can use the account’s default bus instead of its own', () => {
    const template = synthesizeService({ eventBus: 'default' }).apiTemplate();
    template.resourceCountIs('AWS::Events::EventBus', 0);
    const env = byId(template, 'AWS::Lambda::Function', 'EventsPublisherHandler').Properties['Environment']['Variables'];
    assert.equal(env['EVENT_BUS_NAME'], 'default');
    assert.match(JSON.stringify(statementsOf(template, 'EventsPublisherHandlerServiceRoleDefaultPolicy')), /event-bus\/default/);
  });
});

describe('settings from context', () => {
  it('stage name, throttling, retention, alarm email and example instance are configurable', () => {
    const custom = synthesizeService({ stageName: 'v1', throttleRateLimit: 7, throttleBurstLimit: 9, logRetentionDays: 7, alarmEmail: 'ops@example.com', exampleInstanceId: 'inst-42' });
    const template = custom.apiTemplate();
    const stage = only(resources(template, 'AWS::ApiGateway::Stage')).Properties;
    assert.equal(stage['StageName'], 'v1');
    assert.equal(stage['MethodSettings'][0]['ThrottlingRateLimit'], 7);
    assert.equal(stage['MethodSettings'][0]['ThrottlingBurstLimit'], 9);
    for (const group of Object.values(resources(template, 'AWS::Logs::LogGroup'))) assert.equal(group.Properties['RetentionInDays'], 7);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    assert.match(JSON.stringify(template.findResources('AWS::IAM::ManagedPolicy')), /inst-42/);
  });

  it('can leave the account-wide API Gateway logging role to another stack', () => {
    const template = synthesizeService({ apiGatewayCloudWatchRole: false }).apiTemplate();
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    api.resourceCountIs('AWS::ApiGateway::Account', 1);
  });
});
