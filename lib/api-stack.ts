import { CfnOutput, Duration, RemovalPolicy, Size, Stack, Token, Validations, type CfnElement, type StackProps } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { CfnSamplingRule } from 'aws-cdk-lib/aws-xray';
import type { Construct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../lambda/observability.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { ServiceFunction } from './constructs/service-function.ts';
import { ViewEvents } from './constructs/view-events.ts';
import { ViewPurge } from './constructs/view-purge.ts';
import { STORE_ACTIONS } from '#store/permissions.ts';
import type { ServiceSettings } from './settings.ts';
import { importTable } from './table-parameters.ts';

export interface ViewsApiStackProps extends StackProps {
  /** Where the data stack published its table (`/PREFIX/table/…` SSM parameters). */
  parameterPrefix: string;
  settings: ServiceSettings;
}

/**
 * The stage's access log, one JSON object per request: who called what, and for a failure the
 * fields that tell an IAM 403, a throttled 429 and an integration 502/504 apart without another log.
 */
export const ACCESS_LOG_FIELDS: Record<string, string> = {
  requestId: AccessLogField.contextRequestId(),
  extendedRequestId: AccessLogField.contextExtendedRequestId(),
  ip: AccessLogField.contextIdentitySourceIp(),
  caller: AccessLogField.contextIdentityCaller(),
  user: AccessLogField.contextIdentityUser(),
  requestTime: AccessLogField.contextRequestTime(),
  httpMethod: AccessLogField.contextHttpMethod(),
  resourcePath: AccessLogField.contextResourcePath(),
  path: AccessLogField.contextPath(),
  protocol: AccessLogField.contextProtocol(),
  status: AccessLogField.contextStatus(),
  responseLength: AccessLogField.contextResponseLength(),
  responseLatency: AccessLogField.contextResponseLatency(),
  errorMessage: AccessLogField.contextErrorMessage(),
  errorResponseType: AccessLogField.contextErrorResponseType(),
  integrationStatus: '$context.integration.status',
  integrationErrorMessage: AccessLogField.contextIntegrationErrorMessage(),
  integrationLatency: '$context.integration.latency',
  xrayTraceId: AccessLogField.contextXrayTraceId(),
};

/**
 * The stateless half: REST API (AWS_IAM on every method, one `{proxy+}` Lambda proxy route that
 * hands the handler the decoded path), the Lambda, the NextToken secret, the event publisher,
 * alarms and a dashboard. The table comes from the data stack's SSM parameters, not an import.
 */
export class ViewsApiStack extends Stack {
  readonly api: RestApi;
  readonly handler: ServiceFunction;
  readonly events: ViewEvents;
  readonly purge: ViewPurge;
  readonly monitoring: Monitoring;
  readonly instanceAccessPolicy: ManagedPolicy;
  readonly searchAllInstancesPolicy: ManagedPolicy;
  /** The data stack's table, with its stream, as read from SSM parameters. */
  readonly table: ITable;

  constructor(scope: Construct, id: string, props: ViewsApiStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const logRetention = settings.logRetentionDays;
    const table = importTable(this, 'ViewsTable', props.parameterPrefix);
    this.table = table;

    const tokenSecret = new Secret(this, 'PageTokenSecret', {
      description: 'HMAC key that makes the Views API NextTokens tamper-evident (AWSCURRENT signs; AWSPREVIOUS still verifies)',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(tokenSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The secret only authenticates pagination tokens. The function reads it at run time and accepts tokens of the current and the previous version, so it is rotated by putting a new value (docs/operations.md); a rotation Lambda would add cost and nothing else.',
    });

    this.handler = new ServiceFunction(this, 'Service', {
      entry: 'lambda/handler.ts',
      description: 'Connect Views API: the Middy handler behind API Gateway',
      logRetention,
      // API Gateway gives up after 29 s; the handler stops long work (purges) before this.
      timeout: Duration.seconds(28),
      environment: {
        TABLE_NAME: table.tableName,
        // The secret's name only: the function reads the key at run time (never an env value).
        PAGINATION_TOKEN_SECRET_ID: tokenSecret.secretArn,
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        // Without the dashboard nothing reads the custom metrics: not emitted, not billed.
        ...(settings.dashboard ? {} : { POWERTOOLS_METRICS_DISABLED: 'true' }),
      },
    });
    // Exactly the DynamoDB actions the store performs, on this table only.
    table.grant(this.handler.function, ...STORE_ACTIONS);
    // The key is read with GetSecretValue (both version stages) and nothing else: not grantRead,
    // which adds DescribeSecret.
    this.handler.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [tokenSecret.secretArn] }),
    );

    this.events = new ViewEvents(this, 'Events', { table, logRetention, ...(settings.eventBus ? { eventBus: settings.eventBus } : {}) });
    this.purge = new ViewPurge(this, 'Purge', { table, logRetention });

    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
    this.api = new RestApi(this, 'Api', {
      restApiName: `${this.stackName}-views`,
      description: 'Amazon Connect Views API (restJson1, SigV4 for execute-api)',
      endpointTypes: [EndpointType.REGIONAL],
      // A DescribeView can carry ~400 kB of template; the SDKs accept gzip.
      minCompressionSize: Size.kibibytes(1),
      cloudWatchRole: settings.apiGatewayCloudWatchRole,
      // The role is account-wide: every REST API of the account and region logs through it, so
      // deleting this stack must not take it away from them.
      ...(settings.apiGatewayCloudWatchRole ? { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN } : {}),
      // Every method, the root's included, is the Lambda proxy behind SigV4.
      defaultIntegration: new LambdaIntegration(this.handler.function, { proxy: true, timeout: Duration.seconds(29) }),
      defaultMethodOptions: { authorizationType: AuthorizationType.IAM },
      deployOptions: {
        stageName: settings.stageName,
        throttlingRateLimit: settings.throttleRateLimit,
        throttlingBurstLimit: settings.throttleBurstLimit,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
        loggingLevel: MethodLoggingLevel.ERROR,
        // Request and response bodies hold view names and templates: never log them.
        dataTraceEnabled: false,
        // Detailed (per-method) metrics are billed as custom metrics and nothing reads them: the
        // alarms and the dashboard use the free stage-level metrics.
        metricsEnabled: false,
        tracingEnabled: true,
      },
    });
    this.api.root.addProxy({ anyMethod: true });

    // API Gateway creates this group on the first error it logs, with no retention, outside the
    // stack; created here first, it keeps the configured retention and goes with the stack.
    const executionLogs = new LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${settings.stageName}`,
      retention: logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api.deploymentStage.node.addDependency(executionLogs);

    // API Gateway decides which requests are traced (Lambda follows its decision): a fixed share,
    // with no per-second reservoir, so tracing costs a constant fraction of the request cost.
    new CfnSamplingRule(this, 'TraceSampling', {
      samplingRule: {
        ruleName: `${this.stackName}`.slice(0, 32),
        priority: 100,
        fixedRate: settings.traceSampleRate,
        reservoirSize: 0,
        serviceName: `${this.api.restApiName}/${settings.stageName}`,
        serviceType: 'AWS::ApiGateway::Stage',
        host: '*',
        httpMethod: '*',
        urlPath: '*',
        resourceArn: '*',
        version: 1,
      },
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        'One {proxy+} method serves every operation; the handler validates each request against the official API model and answers InvalidParameterException/InvalidRequestException as Amazon Connect does.',
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'Every method requires SigV4 (AWS_IAM) and the stage is throttled; a WAF web ACL can be associated with the stage where an account policy requires one (docs/deploy.md).',
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-COG4',
      reason: 'Callers authenticate with IAM (SigV4 for execute-api), as for the Amazon Connect API itself; Cognito does not apply.',
    });
    if (settings.apiGatewayCloudWatchRole) {
      Validations.of(this.api).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason: 'The account-level API Gateway logging role uses the AWS managed policy made for exactly this purpose.',
      });
    }

    this.instanceAccessPolicy = this.#instanceAccessPolicy(settings.exampleInstanceId, settings.stageName);
    // SearchViews names its instance in the body, which IAM cannot see: a path-based grant can
    // only allow it for every instance, so it gets a policy of its own.
    this.searchAllInstancesPolicy = new ManagedPolicy(this, 'SearchAllInstancesPolicy', {
      description: 'Invoke SearchViews (POST /search-views) on any instance',
      statements: [
        new PolicyStatement({
          actions: ['execute-api:Invoke'],
          resources: [this.api.arnForExecuteApi('POST', '/search-views', settings.stageName)],
        }),
      ],
    });

    this.monitoring = new Monitoring(this, 'Monitoring', {
      api: this.api,
      stageName: settings.stageName,
      function: this.handler.function,
      functionLogGroup: this.handler.logGroup,
      table,
      events: this.events,
      ...(settings.alarmEmail ? { alarmEmail: settings.alarmEmail } : {}),
      ...(settings.alarmTopicArn ? { alarmTopicArn: settings.alarmTopicArn } : {}),
      dashboard: settings.dashboard,
    });

    this.monitoring.addAlarm('PurgeDeadLetters', {
      metric: this.purge.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1) }),
      threshold: 1,
      description: 'A deleted view could not be purged after 100 attempts: its items remain (invisible to the API, but stored and billed).',
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Endpoint for the SDKs (sign for execute-api)' });
    new CfnOutput(this, 'InstanceAccessPolicyArn', {
      value: this.instanceAccessPolicy.managedPolicyArn,
      description: `Grants execute-api:Invoke on instance ${settings.exampleInstanceId} only (not SearchViews: see SearchAllInstancesPolicyArn)`,
    });
    new CfnOutput(this, 'SearchAllInstancesPolicyArn', {
      value: this.searchAllInstancesPolicy.managedPolicyArn,
      description: 'Grants SearchViews on every instance (IAM cannot scope a body parameter)',
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.alarmTopic.topicArn });
    new CfnOutput(this, 'EventBusName', {
      value: this.events.bus.eventBusName,
      description: 'Where View Version Published / Deleted and View Deleted events go',
    });
    new CfnOutput(this, 'EventsDeadLetterQueueUrl', { value: this.events.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'PurgeDeadLetterQueueUrl', {
      value: this.purge.deadLetterQueue.queueUrl,
      description: 'Purge requests of deleted views that kept failing',
    });
    if (this.monitoring.dashboard) new CfnOutput(this, 'DashboardName', { value: this.monitoring.dashboard.dashboardName });
  }

  /**
   * Per-instance access, as an example for callers: the view paths of one instance (by id and by
   * instance ARN) and the tag paths of its views' ARNs. SearchViews (POST /search-views) is left
   * out on purpose: its instance is in the body, so a grant on its path covers every instance.
   */
  #instanceAccessPolicy(instanceId: string, stageName: string): ManagedPolicy {
    const pathsIn = (partition: string, region: string, account: string) => {
      const instanceArn = `arn:${partition}:connect:${region}:${account}:instance/${instanceId}`;
      return [
        `/views/${instanceId}`,
        `/views/${instanceId}/*`,
        `/views/${instanceArn}`,
        `/views/${instanceArn}/*`,
        `/tags/${instanceArn}/view/*`,
      ];
    };
    const policy = new ManagedPolicy(this, 'InstanceAccessPolicy', {
      description: `Invoke the Views API for instance ${instanceId} only`,
      statements: [
        new PolicyStatement({
          actions: ['execute-api:Invoke'],
          resources: pathsIn(this.partition, this.region, this.account).map((path) => this.api.arnForExecuteApi('*', path, stageName)),
        }),
      ],
    });
    // cdk-nag reports each wildcard resource as its own finding, with unresolved values as placeholders.
    const rendered = (value: string, placeholder: string) => (Token.isUnresolved(value) ? placeholder : value);
    const partition = rendered(this.partition, '<AWS::Partition>');
    const region = rendered(this.region, '<AWS::Region>');
    const account = rendered(this.account, '<AWS::AccountId>');
    const apiId = `<${this.getLogicalId(this.api.node.defaultChild as CfnElement)}>`;
    for (const path of pathsIn(partition, region, account)) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:${partition}:execute-api:${region}:${account}:${apiId}/${stageName}/*${path}]`,
        reason:
          'The wildcards are the point: any method on the paths of one instance (its views, versions and tags), on this API and stage only.',
      });
    }
    return policy;
  }
}
