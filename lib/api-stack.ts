import { CfnOutput, Duration, RemovalPolicy, Stack, Token, Validations, type CfnElement, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Tracing } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../lambda/observability.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { ServiceFunction } from './constructs/service-function.ts';
import { ViewEvents } from './constructs/view-events.ts';
import { ViewPurge } from './constructs/view-purge.ts';
import { STORE_ACTIONS } from '#store/permissions.ts';
import type { ServiceEndpoint } from './endpoint.ts';
import { addHttpEndpoint } from './http-endpoint.ts';
import { addRestEndpoint } from './rest-endpoint.ts';
import type { ServiceSettings } from './settings.ts';
import { importTable } from './table-parameters.ts';

export interface ViewsApiStackProps extends StackProps {
  /** Where the data stack published its table (`/PREFIX/table/…` SSM parameters). */
  parameterPrefix: string;
  settings: ServiceSettings;
}

/**
 * The stateless half: the API Gateway in front (a REST API, or an HTTP API with `apiType: http`;
 * IAM on every route, the Lambda proxy that hands the handler the decoded path), the Lambda, the
 * NextToken secret, the event publisher, alarms and a dashboard. The table comes from the data
 * stack's SSM parameters, not an import.
 */
export class ViewsApiStack extends Stack {
  readonly endpoint: ServiceEndpoint;
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
        'The secret only authenticates pagination tokens. The function reads it at run time and accepts tokens of the ' +
        'current and the previous version, so it is rotated by putting a new value (docs/operations.md); a rotation ' +
        'Lambda would add cost and nothing else.',
    });

    this.handler = new ServiceFunction(this, 'Service', {
      entry: 'lambda/handler.ts',
      description: 'Connect Views API: the Middy handler behind API Gateway',
      logRetention,
      // API Gateway gives up after 29 s (an HTTP API after 30 s); the handler stops long work (purges) before this.
      timeout: Duration.seconds(28),
      // An HTTP API traces nothing, and Lambda's own sampling of untraced requests cannot be set
      // (it would trace nearly every request at low volume): that flavour is not traced at all.
      ...(settings.apiType === 'http' ? { tracing: Tracing.DISABLED } : {}),
      environment: {
        TABLE_NAME: table.tableName,
        // The secret's name only: the function reads the key at run time (never an env value).
        PAGINATION_TOKEN_SECRET_ID: tokenSecret.secretArn,
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        // Without the dashboard nothing reads the custom metrics: not emitted, not billed.
        ...(settings.dashboard ? {} : { POWERTOOLS_METRICS_DISABLED: 'true' }),
        // Untraced, the handler leaves the X-Ray SDK unloaded.
        ...(settings.apiType === 'http' ? { POWERTOOLS_TRACE_ENABLED: 'false' } : {}),
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

    this.endpoint = (settings.apiType === 'http' ? addHttpEndpoint : addRestEndpoint)(this, { handler: this.handler.function, settings });

    this.instanceAccessPolicy = this.#instanceAccessPolicy(settings.exampleInstanceId);
    // SearchViews names its instance in the body, which IAM cannot see: a path-based grant can
    // only allow it for every instance, so it gets a policy of its own.
    this.searchAllInstancesPolicy = new ManagedPolicy(this, 'SearchAllInstancesPolicy', {
      description: 'Invoke SearchViews (POST /search-views) on any instance',
      statements: [
        new PolicyStatement({
          actions: ['execute-api:Invoke'],
          resources: [this.endpoint.arnForExecuteApi('POST', '/search-views')],
        }),
      ],
    });

    this.monitoring = new Monitoring(this, 'Monitoring', {
      endpoint: this.endpoint.metrics,
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

    new CfnOutput(this, 'ApiUrl', { value: this.endpoint.url, description: 'Endpoint for the SDKs (sign for execute-api)' });
    new CfnOutput(this, 'InstanceAccessPolicyArn', {
      value: this.instanceAccessPolicy.managedPolicyArn,
      description: `Grants execute-api:Invoke on instance ${settings.exampleInstanceId} only (SearchViews: SearchAllInstancesPolicyArn)`,
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
  #instanceAccessPolicy(instanceId: string): ManagedPolicy {
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
          resources: pathsIn(this.partition, this.region, this.account).map((path) => this.endpoint.arnForExecuteApi('*', path)),
        }),
      ],
    });
    // cdk-nag reports each wildcard resource as its own finding, with unresolved values as placeholders.
    const rendered = (value: string, placeholder: string) => (Token.isUnresolved(value) ? placeholder : value);
    const partition = rendered(this.partition, '<AWS::Partition>');
    const region = rendered(this.region, '<AWS::Region>');
    const account = rendered(this.account, '<AWS::AccountId>');
    const apiId = `<${this.getLogicalId(this.endpoint.apiResource.node.defaultChild as CfnElement)}>`;
    for (const path of pathsIn(partition, region, account)) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:${partition}:execute-api:${region}:${account}:${apiId}/${this.endpoint.stageName}/*${path}]`,
        reason:
          'The wildcards are the point: any method on the paths of one instance (its views, versions and tags), on this ' +
          'API and stage only.',
      });
    }
    return policy;
  }
}
