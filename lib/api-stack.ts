import { CfnOutput, Duration, RemovalPolicy, Stack, Token, Validations, type CfnElement, type StackProps } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { Monitoring } from './constructs/monitoring.ts';
import { ServiceFunction } from './constructs/service-function.ts';
import { ViewEvents } from './constructs/view-events.ts';
import { STORE_ACTIONS } from '#store/permissions.ts';
import type { ServiceSettings } from './settings.ts';

export interface ViewsApiStackProps extends StackProps {
  table: Table;
  settings: ServiceSettings;
}

/**
 * The stateless half: REST API (AWS_IAM on every method, one `{proxy+}` Lambda proxy route that
 * hands the handler the decoded path), the Lambda, the NextToken secret, alarms and a dashboard.
 */
export class ViewsApiStack extends Stack {
  readonly api: RestApi;
  readonly handler: ServiceFunction;
  readonly events: ViewEvents;
  readonly monitoring: Monitoring;
  readonly instanceAccessPolicy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: ViewsApiStackProps) {
    super(scope, id, props);
    const { settings, table } = props;
    const logRetention = settings.logRetentionDays;

    const tokenSecret = new Secret(this, 'PageTokenSecret', {
      description: 'HMAC key that makes the Views API NextTokens tamper-evident',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(tokenSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The secret only authenticates pagination tokens and is read at deploy time; rotating it just invalidates NextTokens in flight, so it is rotated by updating it and redeploying, not by a rotation Lambda.',
    });

    this.handler = new ServiceFunction(this, 'Service', {
      entry: 'lambda/handler.ts',
      description: 'Connect Views API: the Middy handler behind API Gateway',
      logRetention,
      // API Gateway gives up after 29 s; the handler stops long work (purges) before this.
      timeout: Duration.seconds(28),
      environment: {
        TABLE_NAME: table.tableName,
        // Resolved by CloudFormation at deploy time; only NextToken integrity depends on it.
        PAGINATION_TOKEN_SECRET: tokenSecret.secretValue.unsafeUnwrap(),
        POWERTOOLS_SERVICE_NAME: 'connect-views',
        POWERTOOLS_METRICS_NAMESPACE: 'ConnectViews',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
    });
    // Exactly the DynamoDB actions the store performs, on this table only.
    table.grant(this.handler.function, ...STORE_ACTIONS);

    this.events = new ViewEvents(this, 'Events', { table, logRetention, ...(settings.eventBus ? { eventBus: settings.eventBus } : {}) });

    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
    this.api = new RestApi(this, 'Api', {
      restApiName: `${this.stackName}-views`,
      description: 'Amazon Connect Views API (restJson1, SigV4 for execute-api)',
      endpointTypes: [EndpointType.REGIONAL],
      cloudWatchRole: settings.apiGatewayCloudWatchRole,
      ...(settings.apiGatewayCloudWatchRole ? { cloudWatchRoleRemovalPolicy: RemovalPolicy.DESTROY } : {}),
      // Every method, the root's included, is the Lambda proxy behind SigV4.
      defaultIntegration: new LambdaIntegration(this.handler.function, { proxy: true, timeout: Duration.seconds(29) }),
      defaultMethodOptions: { authorizationType: AuthorizationType.IAM },
      deployOptions: {
        stageName: settings.stageName,
        throttlingRateLimit: settings.throttleRateLimit,
        throttlingBurstLimit: settings.throttleBurstLimit,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields({
          caller: true,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: true,
        }),
        loggingLevel: MethodLoggingLevel.ERROR,
        // Request and response bodies hold view names and templates: never log them.
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
      },
    });
    this.api.root.addProxy({ anyMethod: true });
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

    this.monitoring = new Monitoring(this, 'Monitoring', {
      api: this.api,
      stageName: settings.stageName,
      function: this.handler.function,
      functionLogGroup: this.handler.logGroup,
      table,
      events: this.events,
      ...(settings.alarmEmail ? { alarmEmail: settings.alarmEmail } : {}),
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Endpoint for the SDKs (sign for execute-api)' });
    new CfnOutput(this, 'InstanceAccessPolicyArn', {
      value: this.instanceAccessPolicy.managedPolicyArn,
      description: `Grants execute-api:Invoke on instance ${settings.exampleInstanceId} only`,
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.alarmTopic.topicArn });
    new CfnOutput(this, 'EventBusName', { value: this.events.bus.eventBusName, description: 'Where View Version Published / Deleted and View Deleted events go' });
    new CfnOutput(this, 'EventsDeadLetterQueueUrl', { value: this.events.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'DashboardName', { value: this.monitoring.dashboard.dashboardName });
  }

  /**
   * Per-instance access, as an example for callers: the view paths of one instance (by id and by
   * instance ARN) and the tag paths of its views' ARNs.
   */
  #instanceAccessPolicy(instanceId: string, stageName: string): ManagedPolicy {
    const pathsIn = (partition: string, region: string, account: string) => {
      const instanceArn = `arn:${partition}:connect:${region}:${account}:instance/${instanceId}`;
      return [`/views/${instanceId}`, `/views/${instanceId}/*`, `/views/${instanceArn}`, `/views/${instanceArn}/*`, `/tags/${instanceArn}/view/*`];
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
        reason: 'The wildcards are the point: any method on the paths of one instance (its views, versions and tags), on this API and stage only.',
      });
    }
    return policy;
  }
}
