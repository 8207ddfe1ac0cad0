import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Template } from 'aws-cdk-lib/assertions';
import { PURGE_ACTIONS, STORE_ACTIONS } from '#store/permissions.ts';
import { BUSINESS_METRICS } from '../../lambda/observability.ts';
import { HTTP_ACCESS_LOG_FIELDS, REST_ACCESS_LOG_FIELDS as ACCESS_LOG_FIELDS } from '../../lib/access-logs.ts';
import { NO_ALARM_DESTINATION_MESSAGE } from '../../lib/settings.ts';
import { tableParameterNames } from '../../lib/table-parameters.ts';
import type { CfnTemplate } from '../../emulator/iam/intrinsics.ts';
import { functionNamed } from '../../emulator/iam/template.ts';
import { FUNCTION_IDS } from '../../lib/function-ids.ts';
import { ALARM_EMAIL, synthesizeService } from '../support/cdk-app.ts';

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
/** Every statement of the policies attached to a function's role. */
function statementsOf(template: Template, functionPrefix: string): Statement[] {
  return functionNamed(template.toJSON() as CfnTemplate, functionPrefix).statements as Statement[];
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

  it('holds nothing stateless besides the parameters that publish the table, so redeploying the API never touches it', () => {
    const ids = Object.keys(data.toJSON()['Resources']).filter((id) => id !== 'CDKMetadata');
    assert.equal(ids.length, 4, ids.join(', '));
    const parameters = Object.values(resources(data, 'AWS::SSM::Parameter')).map((p) => p.Properties);
    const names = tableParameterNames('ConnectViews');
    const valueNamed = (name: string) => JSON.stringify(parameters.find((p) => p['Name'] === name)?.['Value']);
    assert.match(valueNamed(names.name), /^\{"Ref":"ViewsTable[0-9A-F]+"\}$/);
    assert.match(valueNamed(names.arn), /^\{"Fn::GetAtt":\["ViewsTable[0-9A-F]+","Arn"\]\}$/);
    assert.match(valueNamed(names.streamArn), /^\{"Fn::GetAtt":\["ViewsTable[0-9A-F]+","StreamArn"\]\}$/);
  });
});

describe('stack coupling', () => {
  it('shares nothing through CloudFormation exports: the data stack can replace its table on its own', () => {
    for (const outputs of [data.toJSON()['Outputs'] ?? {}, api.toJSON()['Outputs'] ?? {}]) {
      for (const [id, output] of Object.entries<Record<string, unknown>>(outputs))
        assert.equal(output['Export'], undefined, `${id} is exported`);
    }
    assert.doesNotMatch(JSON.stringify(api.toJSON()), /Fn::ImportValue/);
    assert.doesNotMatch(JSON.stringify(data.toJSON()), /Fn::ImportValue/);
  });

  it('reads the table ARN and stream ARN from the data stack’s parameters, and is deployed after it', () => {
    const names = tableParameterNames('ConnectViews');
    const parameters = Object.values<Record<string, string>>(api.toJSON()['Parameters']);
    for (const name of [names.arn, names.streamArn]) {
      assert.ok(
        parameters.some((p) => p['Type'] === 'AWS::SSM::Parameter::Value<String>' && p['Default'] === name),
        name,
      );
    }
    assert.deepEqual(
      service.api.dependencies.map((stack) => stack.stackName),
      ['ConnectViewsData'],
    );
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

  it('throttles the stage, logs errors but never bodies, pays for no per-method metrics, and traces with X-Ray', () => {
    const stage = only(resources(api, 'AWS::ApiGateway::Stage')).Properties;
    assert.equal(stage['StageName'], 'prod');
    assert.equal(stage['TracingEnabled'], true);
    assert.deepEqual(stage['MethodSettings'], [
      {
        DataTraceEnabled: false,
        HttpMethod: '*',
        LoggingLevel: 'ERROR',
        MetricsEnabled: false,
        ResourcePath: '/*',
        ThrottlingBurstLimit: 200,
        ThrottlingRateLimit: 100,
      },
    ]);
  });

  it('writes an access log that tells IAM denials, throttling and integration failures apart', () => {
    const stage = only(resources(api, 'AWS::ApiGateway::Stage')).Properties;
    const format = JSON.parse(stage['AccessLogSetting']['Format']) as Record<string, string>;
    assert.deepEqual(format, ACCESS_LOG_FIELDS);
    const variables = Object.values(format);
    for (const variable of [
      '$context.requestId',
      '$context.status',
      '$context.httpMethod',
      '$context.path',
      '$context.identity.user',
      '$context.error.message',
      '$context.error.responseType',
      '$context.integrationErrorMessage',
      '$context.integration.latency',
    ]) {
      assert.ok(variables.includes(variable), variable);
    }
  });

  it('compresses responses of 1 KiB and more for callers that accept gzip', () => {
    const restApi = only(resources(api, 'AWS::ApiGateway::RestApi')).Properties;
    assert.equal(restApi['MinimumCompressionSize'], 1024);
  });

  it('owns the stage’s execution log group, created before the stage, with the configured retention', () => {
    const [id, group] = Object.entries(resources(api, 'AWS::Logs::LogGroup')).find(([logicalId]) => logicalId.startsWith('ExecutionLogs'))!;
    const restApiId = Object.keys(resources(api, 'AWS::ApiGateway::RestApi'))[0]!;
    assert.deepEqual(group.Properties['LogGroupName'], { 'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: restApiId }, '/prod']] });
    assert.equal(group.Properties['RetentionInDays'], 30);
    const stage = only(resources(api, 'AWS::ApiGateway::Stage'));
    assert.ok(stage['DependsOn'].includes(id), 'the stage waits for the group, so API Gateway never creates it first');
  });

  it('gives every log group a retention', () => {
    const groups = Object.values(resources(api, 'AWS::Logs::LogGroup'));
    assert.ok(groups.length >= 4, 'the functions’ logs, the access logs and the execution logs');
    for (const group of groups) assert.equal(group.Properties['RetentionInDays'], 30);
  });

  it('samples a fixed share of API requests for X-Ray, with no per-second reservoir', () => {
    const rule = only(resources(api, 'AWS::XRay::SamplingRule')).Properties['SamplingRule'];
    const restApi = only(resources(api, 'AWS::ApiGateway::RestApi')).Properties;
    assert.equal(rule['ServiceName'], `${restApi['Name']}/prod`, 'matches the stage API Gateway reports');
    assert.equal(rule['ServiceType'], 'AWS::ApiGateway::Stage');
    assert.equal(rule['ReservoirSize'], 0);
    assert.equal(rule['FixedRate'], 0.01);
    const custom = synthesizeService({ traceSampleRate: 0.05 }).apiTemplate();
    assert.equal(only(resources(custom, 'AWS::XRay::SamplingRule')).Properties['SamplingRule']['FixedRate'], 0.05);
    assert.throws(() => synthesizeService({ traceSampleRate: 5 }), /traceSampleRate/);
  });

  it('runs every function on Node.js 24, arm64, with source-mapped stack traces and its own log group', () => {
    const functions = Object.values(resources(api, 'AWS::Lambda::Function'));
    assert.ok(functions.length >= 2, 'the API handler and the event publisher');
    for (const { Properties: fn } of functions) {
      assert.equal(fn['Runtime'], 'nodejs24.x');
      assert.deepEqual(fn['Architectures'], ['arm64']);
      assert.equal(fn['Handler'], 'index.handler');
      assert.equal(fn['Environment']['Variables']['NODE_OPTIONS'], '--enable-source-maps');
      assert.ok(fn['LoggingConfig']['LogGroup']['Ref']);
    }
    // The API handler follows API Gateway's sampling decision; nothing upstream traces a stream
    // record and the consumers load no tracer, so they are not traced and may not write traces.
    assert.deepEqual(byId(api, 'AWS::Lambda::Function', 'ServiceHandler').Properties['TracingConfig'], { Mode: 'Active' });
    for (const consumer of [FUNCTION_IDS.publisher, FUNCTION_IDS.purge]) {
      assert.equal(byId(api, 'AWS::Lambda::Function', consumer).Properties['TracingConfig'], undefined, `${consumer} is not traced`);
      assert.ok(
        !statementsOf(api, consumer).some((s) => [s.Action].flat().some((a) => a.startsWith('xray:'))),
        `${consumer} may not write traces`,
      );
    }
  });

  it('gives every function a role of its own that may write its own log group and nothing more by default', () => {
    for (const prefix of Object.values(FUNCTION_IDS)) {
      const fn = functionNamed(api.toJSON() as CfnTemplate, prefix);
      const role = api.toJSON().Resources[fn.roleId];
      assert.equal(
        role.Properties['ManagedPolicyArns'],
        undefined,
        `${prefix}: no managed policy (the basic execution policy creates log groups anywhere)`,
      );
      const logs = fn.statements.filter((s) => [s.Action].flat().some((a) => a!.startsWith('logs:')));
      assert.deepEqual(
        logs.map((s) => [[s.Action].flat().sort(), s.Resource]),
        [[['logs:CreateLogStream', 'logs:PutLogEvents'], { 'Fn::GetAtt': [(fn.logGroup as { Ref: string }).Ref, 'Arn'] }]],
      );
    }
  });

  it('configures the API handler: its table, the token secret’s name (never its value), Powertools, a timeout inside 29 s', () => {
    const fn = byId(api, 'AWS::Lambda::Function', 'ServiceHandler').Properties;
    assert.ok(fn['Timeout'] < 29, 'returns before API Gateway’s 29 s integration timeout');
    const env = fn['Environment']['Variables'];
    assert.deepEqual(Object.keys(env).sort(), [
      'NODE_OPTIONS',
      'PAGINATION_TOKEN_SECRET_ID',
      'POWERTOOLS_LOG_LEVEL',
      'POWERTOOLS_METRICS_NAMESPACE',
      'POWERTOOLS_SERVICE_NAME',
      'TABLE_NAME',
    ]);
    const secretId = Object.keys(resources(api, 'AWS::SecretsManager::Secret'))[0]!;
    assert.deepEqual(env['PAGINATION_TOKEN_SECRET_ID'], { Ref: secretId }, 'the ARN, resolved by nobody but the function');
    assert.doesNotMatch(JSON.stringify(resources(api, 'AWS::Lambda::Function')), /resolve:secretsmanager/);
    const read = statementsOf(api, FUNCTION_IDS.api).find((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'));
    assert.ok(read, 'may read the secret');
    assert.deepEqual(read.Resource, { Ref: secretId }, 'that secret only');
  });

  it('grants the API handler exactly the DynamoDB actions the store uses, on this table only', () => {
    const statements = statementsOf(api, FUNCTION_IDS.api);
    const dynamo = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
    assert.equal(dynamo.length, 1);
    assert.deepEqual([dynamo[0]!.Action].flat().sort(), [...STORE_ACTIONS].sort());
    const tables = [dynamo[0]!.Resource].flat();
    assert.equal(tables.length, 1, 'no index or other table');
    assert.match(JSON.stringify(tables[0]), /^\{"Ref":"SsmParameterValueConnectViewstablearn[0-9A-F]+Parameter"\}$/);
    assert.ok(STORE_ACTIONS.includes('dynamodb:ConditionCheckItem'), 'transactions check unchanged heads with ConditionCheck items');
    const others = statements.filter((s) => !dynamo.includes(s));
    assert.deepEqual(
      others.map((s) => [s.Action].flat().sort()),
      [
        ['logs:CreateLogStream', 'logs:PutLogEvents'],
        ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
        ['secretsmanager:GetSecretValue'],
      ],
    );
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
      ['EventsDeadLetters', /ApproximateNumberOfMessagesVisible/],
      ['EventsDelayed', /IteratorAge/],
      ['PurgeDeadLetters', /ApproximateNumberOfMessagesVisible/],
    ];
    assert.equal(alarms.length, expected.length);
    for (const [name, metric] of expected) {
      const found = alarms.find(([id]) => id.includes(name));
      assert.ok(found, name);
      assert.match(metricsOf(found[1]), metric, name);
      assert.match(JSON.stringify(found[1].Properties['AlarmActions']), /AlarmTopic/, name);
    }
  });

  it('builds a dashboard with per-operation latency and errors from the request log, and every custom metric the function emits', () => {
    const dashboard = only(resources(api, 'AWS::CloudWatch::Dashboard')).Properties;
    const body = JSON.stringify(dashboard['DashboardBody']);
    assert.match(body, /pct\(latencyMs, 99\)/);
    assert.match(body, /by operation/);
    // Custom metrics are billed per series: each one the function writes must be read here, in
    // the namespace and with the dimensions the function writes it with.
    const env = byId(api, 'AWS::Lambda::Function', 'ServiceHandler').Properties['Environment']['Variables'];
    for (const metric of BUSINESS_METRICS) {
      const series = `[\\"${env['POWERTOOLS_METRICS_NAMESPACE']}\\",\\"${metric}\\",\\"service\\",\\"${env['POWERTOOLS_SERVICE_NAME']}\\"`;
      assert.ok(body.includes(series), `${metric} is shown`);
    }
    const customSeries = [...body.matchAll(/\[\\"ConnectViews\\",\\"(\w+)\\",([^\]]*)/g)].map(([, name, rest]) => `${name} ${rest}`);
    assert.deepEqual(customSeries.map((series) => series.split(' ')[0]).sort(), [...BUSINESS_METRICS].sort());
    assert.ok(
      customSeries.every((series) => !series.includes('Operation')),
      'no per-operation custom series',
    );
  });

  it('outputs the API URL and a per-instance access policy limited to one instance’s paths, SearchViews left out', () => {
    api.hasOutput('ApiUrl', {});
    api.hasOutput('InstanceAccessPolicyArn', {});
    const policy = byId(api, 'AWS::IAM::ManagedPolicy', 'InstanceAccessPolicy').Properties['PolicyDocument'];
    const statement = only({ s: policy['Statement'][0] });
    assert.equal(policy['Statement'].length, 1);
    assert.equal(statement['Action'], 'execute-api:Invoke');
    const resourcesText = JSON.stringify(statement['Resource']);
    for (const path of ['/views/example-instance"', '/views/example-instance/*', ':instance/example-instance/view/*']) {
      assert.ok(resourcesText.includes(path), path);
    }
    assert.ok(!/\/\*\/\*"|\/prod\/\*"/.test(resourcesText), 'no resource covers the whole API');
    assert.ok(!resourcesText.includes('search-views'), 'SearchViews names its instance in the body: no path grant can limit it to one');
  });

  it('grants SearchViews on every instance in a policy of its own: POST /search-views and nothing else', () => {
    api.hasOutput('SearchAllInstancesPolicyArn', {});
    const policy = byId(api, 'AWS::IAM::ManagedPolicy', 'SearchAllInstancesPolicy').Properties['PolicyDocument'];
    assert.equal(policy['Statement'].length, 1);
    assert.equal(policy['Statement'][0]['Action'], 'execute-api:Invoke');
    assert.match(JSON.stringify(policy['Statement'][0]['Resource']), /"\/prod\/POST\/search-views"\]\]\}$/);
  });
});

/** The event source mapping whose dead-letter destination is the queue of `owner` (Events, Purge). */
function mappingOf(owner: string): Record<string, any> {
  const found = Object.values(resources(api, 'AWS::Lambda::EventSourceMapping')).filter((m) =>
    JSON.stringify(m.Properties['DestinationConfig']['OnFailure']).includes(`${owner}DeadLetters`),
  );
  assert.equal(found.length, 1, owner);
  return found[0]!.Properties;
}

describe('events', () => {
  it('publishes from the table stream: only inserted outbox items, failures reported per item, then a dead-letter queue', () => {
    const mapping = mappingOf('Events');
    assert.equal(mapping['StartingPosition'], 'TRIM_HORIZON');
    assert.deepEqual(mapping['FunctionResponseTypes'], ['ReportBatchItemFailures']);
    assert.match(JSON.stringify(mapping['EventSourceArn']), /^\{"Ref":"SsmParameterValueConnectViewstablestreamarn[0-9A-F]+Parameter"\}$/);
    assert.match(JSON.stringify(mapping['DestinationConfig']['OnFailure']), /EventsDeadLetters/);
    const pattern = JSON.parse(mapping['FilterCriteria']['Filters'][0]['Pattern']);
    assert.deepEqual(pattern, { eventName: ['INSERT'], dynamodb: { Keys: { SK: { S: [{ prefix: 'E#' }] } } } });
    for (const queue of Object.values(resources(api, 'AWS::SQS::Queue'))) assert.equal(queue.Properties['SqsManagedSseEnabled'], true);
  });

  it('lets the publisher put events on its bus only, read the stream and reach its dead-letter queue', () => {
    const statements = statementsOf(api, FUNCTION_IDS.publisher);
    const actions = statements.flatMap((s) => [s.Action].flat()).sort();
    assert.ok(actions.includes('events:PutEvents'));
    assert.ok(!actions.some((a) => /^dynamodb:(PutItem|UpdateItem|DeleteItem|GetItem|Query|Scan|Batch)/.test(a)), 'no table data access');
    assert.ok(actions.includes('dynamodb:GetRecords'), 'reads the stream');
    assert.deepEqual(
      actions.filter((a) => a.startsWith('sqs:')),
      ['sqs:SendMessage'],
      'only sends to its dead-letter queue',
    );
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
    assert.match(JSON.stringify(statementsOf(template, FUNCTION_IDS.publisher)), /event-bus\/default/);
  });
});

describe('settings from context', () => {
  it('stage name, throttling, retention, alarm email and example instance are configurable', () => {
    const custom = synthesizeService({
      stageName: 'v1',
      throttleRateLimit: 7,
      throttleBurstLimit: 9,
      logRetentionDays: 7,
      alarmEmail: 'ops@example.com',
      exampleInstanceId: 'inst-42',
    });
    const template = custom.apiTemplate();
    const stage = only(resources(template, 'AWS::ApiGateway::Stage')).Properties;
    assert.equal(stage['StageName'], 'v1');
    assert.equal(stage['MethodSettings'][0]['ThrottlingRateLimit'], 7);
    assert.equal(stage['MethodSettings'][0]['ThrottlingBurstLimit'], 9);
    for (const group of Object.values(resources(template, 'AWS::Logs::LogGroup'))) assert.equal(group.Properties['RetentionInDays'], 7);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    assert.match(JSON.stringify(template.findResources('AWS::IAM::ManagedPolicy')), /inst-42/);
  });

  it('sets the account-wide API Gateway logging role and keeps it when the stack is deleted', () => {
    const account = only(resources(api, 'AWS::ApiGateway::Account'));
    const role = byId(api, 'AWS::IAM::Role', 'ApiCloudWatchRole');
    for (const resource of [account, role]) {
      assert.equal(resource['DeletionPolicy'], 'Retain');
      assert.equal(resource['UpdateReplacePolicy'], 'Retain');
    }
  });

  it('can leave out the dashboard, and then emits no custom metrics that nothing would read', () => {
    const apiFunction = (template: Template) =>
      byId(template, 'AWS::Lambda::Function', 'ServiceHandler').Properties['Environment']['Variables'];
    assert.equal(apiFunction(api)['POWERTOOLS_METRICS_DISABLED'], undefined, 'metrics on beside the default dashboard');
    const template = synthesizeService({ dashboard: 'false' }).apiTemplate();
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    assert.equal(apiFunction(template)['POWERTOOLS_METRICS_DISABLED'], 'true');
    assert.deepEqual(
      Object.keys(template.findOutputs('*')).filter((id) => id.startsWith('DashboardName')),
      [],
    );
    assert.equal(
      Object.keys(resources(template, 'AWS::CloudWatch::Alarm')).length,
      Object.keys(resources(api, 'AWS::CloudWatch::Alarm')).length,
      'every alarm kept',
    );
  });

  it('refuses a switch that is neither true nor false, and a number that is not one, naming the setting', () => {
    assert.throws(() => synthesizeService({ dashboard: 'no' }), /dashboard must be true or false, not "no"/);
    assert.throws(() => synthesizeService({ apiGatewayCloudWatchRole: 'TRUE' }), /apiGatewayCloudWatchRole must be true or false/);
    assert.throws(() => synthesizeService({ logRetentionDays: 'thirty' }), /logRetentionDays must be a number/);
    synthesizeService({ dashboard: false, apiGatewayCloudWatchRole: 'true' });
  });

  it('can leave the account-wide API Gateway logging role to another stack', () => {
    const template = synthesizeService({ apiGatewayCloudWatchRole: false }).apiTemplate();
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    assert.equal(Object.keys(resources(template, 'AWS::IAM::Role')).filter((id) => id.startsWith('ApiCloudWatchRole')).length, 0);
  });
});

describe('alarm destination', () => {
  it('refuses to synthesize alarms that notify nobody, naming the settings that fix it', () => {
    assert.throws(
      () => synthesizeService({ alarmEmail: undefined }),
      (error: Error) => error.message === NO_ALARM_DESTINATION_MESSAGE,
    );
    for (const setting of ['alarmEmail', 'alarmTopicArn', 'allowNoAlarmDestination'])
      assert.ok(NO_ALARM_DESTINATION_MESSAGE.includes(setting), setting);
  });

  it('subscribes the alarm email to the stack’s own topic', () => {
    api.resourceCountIs('AWS::SNS::Topic', 1);
    api.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: ALARM_EMAIL });
  });

  it('can notify an existing topic instead of a topic of its own', () => {
    const topicArn = 'arn:aws:sns:eu-west-1:123456789012:oncall';
    const template = synthesizeService({ alarmEmail: undefined, alarmTopicArn: topicArn }).apiTemplate();
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const alarms = Object.values(resources(template, 'AWS::CloudWatch::Alarm'));
    assert.ok(alarms.length > 0);
    for (const alarm of alarms) assert.deepEqual(alarm.Properties['AlarmActions'], [topicArn]);
    assert.throws(() => synthesizeService({ alarmTopicArn: 'oncall' }), /alarmTopicArn/);
  });

  it('lets a sandbox deploy without a destination only when it says so', () => {
    const template = synthesizeService({ alarmEmail: undefined, allowNoAlarmDestination: true }).apiTemplate();
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('lets another construct add an alarm on the same topic', () => {
    const { api: stack } = synthesizeService();
    const alarm = stack.monitoring.addAlarm('ExtraAlarm', {
      metric: stack.handler.function.metricErrors(),
      threshold: 1,
      description: 'An alarm added later.',
    });
    assert.ok(stack.monitoring.alarms.includes(alarm));
    const { Properties } = byId(Template.fromStack(stack), 'AWS::CloudWatch::Alarm', 'MonitoringExtraAlarm');
    assert.match(JSON.stringify(Properties['AlarmActions']), /AlarmTopic/);
    assert.match(Properties['AlarmDescription'], /docs\/operations\.md#extraalarm$/);
  });
});

describe('purge of deleted views', () => {
  it('runs from the table stream on purge requests only, resuming from the record it could not finish, then a dead-letter queue', () => {
    const mapping = mappingOf('Purge');
    assert.equal(mapping['StartingPosition'], 'TRIM_HORIZON');
    assert.deepEqual(mapping['FunctionResponseTypes'], ['ReportBatchItemFailures']);
    assert.equal(mapping['MaximumRetryAttempts'], 100);
    const pattern = JSON.parse(mapping['FilterCriteria']['Filters'][0]['Pattern']);
    assert.deepEqual(pattern, { eventName: ['INSERT'], dynamodb: { Keys: { SK: { S: [{ prefix: 'P#' }] } } } });
    const worker = byId(api, 'AWS::Lambda::Function', 'PurgeWorkerHandler').Properties;
    assert.equal(worker['Timeout'], 300);
    assert.match(JSON.stringify(worker['Environment']['Variables']['TABLE_NAME']), /SsmParameterValue/);
  });

  it('may read keys and delete items of the table, nothing else of it', () => {
    const statements = statementsOf(api, FUNCTION_IDS.purge);
    const tableActions = statements
      .flatMap((s) => [s.Action].flat())
      .filter((action) => action.startsWith('dynamodb:') && !/Stream|GetRecords|GetShardIterator|ListStreams/.test(action))
      .sort();
    assert.deepEqual(tableActions, [...PURGE_ACTIONS].sort());
    api.hasOutput('PurgeDeadLetterQueueUrl', {});
  });
});

describe('API stack, HTTP API flavour (-c apiType=http)', () => {
  const http = synthesizeService({ apiType: 'http' }).apiTemplate();
  const httpJson = http.toJSON() as CfnTemplate;
  const apiId = Object.keys(resources(http, 'AWS::ApiGatewayV2::Api'))[0]!;
  const stage = () => only(resources(http, 'AWS::ApiGatewayV2::Stage'));

  it('is chosen with apiType; any other value is refused naming the setting, and so is a stage name it would not use', () => {
    assert.throws(() => synthesizeService({ apiType: 'graphql' }), /apiType must be rest or http, not "graphql"/);
    assert.throws(() => synthesizeService({ apiType: 'HTTP' }), /apiType must be rest or http/);
    assert.throws(() => synthesizeService({ apiType: 'http', stageName: 'v1' }), /stageName applies to apiType=rest only/);
    http.resourceCountIs('AWS::ApiGateway::RestApi', 0);
    api.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
    assert.equal(resources(http, 'AWS::ApiGatewayV2::Api')[apiId]!.Properties['ProtocolType'], 'HTTP');
  });

  it('requires SigV4 (AWS_IAM) on every route, each the Lambda proxy with payload format 1.0', () => {
    const routes = Object.values(resources(http, 'AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
    assert.deepEqual(routes.map((r) => r['RouteKey']).sort(), ['$default', 'POST /search-views']);
    for (const route of routes) assert.equal(route['AuthorizationType'], 'AWS_IAM', route['RouteKey']);
    const integration = only(resources(http, 'AWS::ApiGatewayV2::Integration')).Properties;
    assert.equal(integration['IntegrationType'], 'AWS_PROXY');
    assert.equal(integration['PayloadFormatVersion'], '1.0', 'the event the handler reads');
    assert.equal(integration['TimeoutInMillis'], undefined, 'the HTTP API default: its maximum, 30 s');
    assert.match(JSON.stringify(integration['IntegrationUri']), /ServiceHandler/);
    const permission = only(resources(http, 'AWS::Lambda::Permission')).Properties;
    assert.equal(permission['Principal'], 'apigateway.amazonaws.com');
    assert.match(JSON.stringify(permission['SourceArn']), new RegExp(`"${apiId}"\\},"/\\*/\\*/\\*"`));
  });

  it('serves the $default stage at the root of its URL, throttled, SearchViews more tightly, deployed automatically', () => {
    const { Properties: props, DependsOn } = stage();
    assert.equal(props['StageName'], '$default');
    assert.equal(props['AutoDeploy'], true);
    assert.deepEqual(props['DefaultRouteSettings'], { ThrottlingBurstLimit: 200, ThrottlingRateLimit: 100 });
    assert.deepEqual(props['RouteSettings'], { 'POST /search-views': { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 } });
    const searchRoute = Object.entries(resources(http, 'AWS::ApiGatewayV2::Route')).find(
      ([, r]) => r.Properties['RouteKey'] === 'POST /search-views',
    )![0];
    assert.ok((DependsOn as string[]).includes(searchRoute), 'the route exists before its settings');
    const url = JSON.stringify(http.toJSON()['Outputs']['ApiUrl']['Value']);
    assert.match(url, /"\/"\]\]\}$/, 'no stage in the path');
    const custom = only(
      resources(
        synthesizeService({ apiType: 'http', throttleRateLimit: 7, throttleBurstLimit: 9 }).apiTemplate(),
        'AWS::ApiGatewayV2::Stage',
      ),
    );
    assert.deepEqual(custom.Properties['RouteSettings'], { 'POST /search-views': { ThrottlingRateLimit: 1, ThrottlingBurstLimit: 1 } });
  });

  it('writes the access log with the same error-explaining fields, in the HTTP API’s variables', () => {
    const settings = stage().Properties['AccessLogSettings'];
    assert.deepEqual(JSON.parse(settings['Format']), HTTP_ACCESS_LOG_FIELDS);
    const restKeys = Object.keys(ACCESS_LOG_FIELDS).filter((key) => !['resourcePath', 'xrayTraceId'].includes(key));
    for (const key of restKeys) assert.ok(key in HTTP_ACCESS_LOG_FIELDS, `${key} in both formats`);
    for (const variable of [
      '$context.error.message',
      '$context.error.responseType',
      '$context.integrationErrorMessage',
      '$context.identity.user',
    ])
      assert.ok(Object.values(HTTP_ACCESS_LOG_FIELDS).includes(variable), variable);
    assert.match(JSON.stringify(settings['DestinationArn']), /AccessLogs/);
    for (const group of Object.values(resources(http, 'AWS::Logs::LogGroup'))) assert.equal(group.Properties['RetentionInDays'], 30);
  });

  it('has none of what an HTTP API cannot use: no X-Ray, no execution log group, no account-wide logging role', () => {
    http.resourceCountIs('AWS::XRay::SamplingRule', 0);
    http.resourceCountIs('AWS::ApiGateway::Account', 0);
    assert.deepEqual(
      Object.keys(resources(http, 'AWS::Logs::LogGroup')).filter((id) => id.startsWith('ExecutionLogs') || id.startsWith('ApiCloudWatch')),
      [],
    );
    const fn = byId(http, 'AWS::Lambda::Function', 'ServiceHandler').Properties;
    assert.equal(fn['TracingConfig'], undefined, 'not traced: Lambda’s own sampling cannot be set to a share');
    assert.equal(fn['Environment']['Variables']['POWERTOOLS_TRACE_ENABLED'], 'false', 'the X-Ray SDK is not loaded');
    const actions = statementsOf(http, FUNCTION_IDS.api).flatMap((s) => [s.Action].flat());
    assert.ok(!actions.some((a) => a.startsWith('xray:')), 'may not write traces');
    const dynamo = statementsOf(http, FUNCTION_IDS.api).find((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')))!;
    assert.deepEqual([dynamo.Action].flat().sort(), [...STORE_ACTIONS].sort(), 'the same DynamoDB grants as behind the REST API');
  });

  it('raises the same alarms, the 5XX rate from the HTTP API’s own metrics, and shows them on the dashboard', () => {
    const names = (template: Template) =>
      Object.keys(resources(template, 'AWS::CloudWatch::Alarm')).map((id) => id.replace(/[0-9A-F]{8}$/, ''));
    assert.deepEqual(names(http).sort(), names(api).sort());
    const rate = Object.entries(resources(http, 'AWS::CloudWatch::Alarm')).find(([id]) => id.includes('ApiServerErrorRate'))![1];
    const stats = (rate.Properties['Metrics'] as { MetricStat?: { Metric: { MetricName: string; Dimensions: unknown } } }[]).flatMap((m) =>
      m.MetricStat ? [m.MetricStat.Metric] : [],
    );
    assert.deepEqual(stats.map((m) => m.MetricName).sort(), ['5xx', 'Count']);
    for (const metric of stats)
      assert.deepEqual(metric.Dimensions, [
        { Name: 'ApiId', Value: { Ref: apiId } },
        { Name: 'Stage', Value: '$default' },
      ]);
    const body = JSON.stringify(only(resources(http, 'AWS::CloudWatch::Dashboard')).Properties['DashboardBody']);
    for (const metric of ['Count', '4xx', '5xx', 'Latency'])
      assert.ok(body.includes(`\\"AWS/ApiGateway\\",\\"${metric}\\",\\"ApiId\\"`), metric);
    assert.doesNotMatch(body, /ApiName/);
  });

  it('outputs what the REST flavour outputs, under the same names, and scopes the example policies to the $default stage', () => {
    // RestApi adds an output of its own (ApiEndpoint…); the service's outputs are named alike.
    const named = (template: Template) => Object.keys(template.toJSON()['Outputs']).filter((id) => !/^ApiEndpoint[0-9A-F]{8}$/.test(id));
    assert.deepEqual(named(http).sort(), named(api).sort());
    const instance = JSON.stringify(byId(http, 'AWS::IAM::ManagedPolicy', 'InstanceAccessPolicy').Properties['PolicyDocument']);
    assert.ok(instance.includes('/$default/*/views/example-instance"'), instance);
    assert.ok(!instance.includes('search-views'));
    const search = JSON.stringify(byId(http, 'AWS::IAM::ManagedPolicy', 'SearchAllInstancesPolicy').Properties['PolicyDocument']);
    assert.match(search, /"\/\$default\/POST\/search-views"\]\]\}/);
    assert.equal(functionNamed(httpJson, FUNCTION_IDS.api).logicalId.startsWith('ServiceHandler'), true);
  });
});
