import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  LogQueryWidget,
  MathExpression,
  TextWidget,
  TreatMissingData,
  Metric,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Operation, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { BUSINESS_METRICS, METRICS_NAMESPACE, SERVICE_NAME } from '../../lambda/observability.ts';
import type { EndpointMetrics } from '../endpoint.ts';
import type { ViewEvents } from './view-events.ts';

export interface MonitoringProps {
  /** The API Gateway stage's request metrics, REST or HTTP API. */
  endpoint: EndpointMetrics;
  function: IFunction;
  functionLogGroup: ILogGroup;
  table: ITable;
  events: ViewEvents;
  /** Subscribed to the alarm topic by email. */
  alarmEmail?: string;
  /** An existing topic to notify instead of a topic of the stack's own. */
  alarmTopicArn?: string;
  /** Whether to make the dashboard (default true). */
  dashboard?: boolean;
}

export interface AlarmOptions {
  metric: IMetric;
  threshold: number;
  /** What the alarm means; the runbook link (docs/operations.md#id-in-lower-case) is appended. */
  description: string;
  /** Consecutive periods that must breach (1 by default). */
  periods?: number;
}

/** The DynamoDB operations the store calls (CloudWatch reports throttles and faults per operation). */
const STORE_OPERATIONS = [
  Operation.GET_ITEM,
  Operation.BATCH_GET_ITEM,
  Operation.QUERY,
  Operation.PUT_ITEM,
  Operation.DELETE_ITEM,
  Operation.BATCH_WRITE_ITEM,
  Operation.TRANSACT_WRITE_ITEMS,
];

/**
 * Alarms worth waking up for (server errors seen by callers, function failures and throttles,
 * DynamoDB throttling, events not delivered), all notifying one SNS topic (the stack's own, or an
 * existing one), and a dashboard of per-operation latency and errors (Logs Insights over the
 * handler's one log line per request) beside the AWS metrics and the service's two custom ones.
 * Other constructs (another stream consumer, say) add their alarms with `addAlarm`.
 */
export class Monitoring extends Construct {
  readonly alarmTopic: ITopic;
  readonly alarms: Alarm[] = [];
  /** Absent when the deployment opted out of it. */
  readonly dashboard?: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const fiveMinutes = Duration.minutes(5);
    this.alarmTopic = props.alarmTopicArn
      ? Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn)
      : new Topic(this, 'AlarmTopic', { displayName: 'Connect Views API alarms', enforceSSL: true });
    if (props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));

    const alarm = (name: string, metric: IMetric, threshold: number, description: string, periods = 1) =>
      this.addAlarm(name, { metric, threshold, description, periods });

    const api = props.endpoint;
    const serverErrorRate = new MathExpression({
      label: '5XX rate (%)',
      expression: '100 * errors / MAX([requests, 1])',
      usingMetrics: {
        errors: api.serverErrors({ statistic: 'Sum', period: fiveMinutes }),
        requests: api.requests({ statistic: 'Sum', period: fiveMinutes }),
      },
      period: fiveMinutes,
    });
    alarm('ApiServerErrorRate', serverErrorRate, 1, 'More than 1% of API requests answered 5XX for 10 minutes.', 2);
    alarm(
      'LambdaErrors',
      props.function.metricErrors({ statistic: 'Sum', period: fiveMinutes }),
      3,
      'The handler crashed or timed out 3+ times in 5 minutes.',
    );
    alarm(
      'LambdaThrottles',
      props.function.metricThrottles({ statistic: 'Sum', period: fiveMinutes }),
      5,
      'Lambda throttled 5+ invocations in 5 minutes (concurrency limit).',
    );
    const throttled = props.table.metricThrottledRequestsForOperations({ operations: STORE_OPERATIONS, period: fiveMinutes });
    alarm('DynamoDbThrottles', throttled, 10, 'DynamoDB throttled 10+ requests in 5 minutes.');
    // Shown, not alarmed: a DynamoDB 5XX the SDK's retries do not absorb is answered as
    // InternalServiceException, which the 5XX-rate alarm counts; an alarm of its own would read 7
    // metrics ($0.70 a month) to say the same thing.
    const systemErrors = props.table.metricSystemErrorsForOperations({ operations: STORE_OPERATIONS, period: fiveMinutes });

    alarm(
      'EventsDeadLetters',
      props.events.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1) }),
      1,
      'Events could not be delivered to EventBridge after retries and wait in the dead-letter queue.',
    );
    alarm(
      'EventsDelayed',
      props.events.publisher.function.metric('IteratorAge', { statistic: 'Maximum', period: fiveMinutes }),
      5 * 60 * 1000,
      'Events reach EventBridge more than 5 minutes after their change (the publisher is failing or throttled).',
      2,
    );

    if (props.dashboard === false) return;
    const logGroupNames = [props.functionLogGroup.logGroupName];
    this.dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          new TextWidget({
            markdown: '# Connect Views API\nPer-operation figures come from the handler’s one JSON log line per request.',
            width: 24,
            height: 2,
          }),
        ],
        [
          new LogQueryWidget({
            title: 'Latency by operation (ms)',
            logGroupNames,
            width: 12,
            queryLines: [
              'filter message = "request" or message = "request failed"',
              'stats count(*) as requests, pct(latencyMs, 50) as p50, pct(latencyMs, 99) as p99 by operation',
              'sort requests desc',
            ],
          }),
          new LogQueryWidget({
            title: 'Errors by operation',
            logGroupNames,
            width: 12,
            queryLines: [
              'filter (message = "request" or message = "request failed") and statusCode >= 400',
              'stats count(*) as errors by operation, outcome, statusCode',
              'sort errors desc',
            ],
          }),
        ],
        [
          new GraphWidget({
            title: 'API requests and errors',
            width: 8,
            left: [api.requests({ statistic: 'Sum' }), api.clientErrors({ statistic: 'Sum' }), api.serverErrors({ statistic: 'Sum' })],
          }),
          new GraphWidget({
            title: 'API latency (ms)',
            width: 8,
            left: [api.latency({ statistic: 'p50' }), api.latency({ statistic: 'p99' })],
          }),
          new GraphWidget({
            title: 'Lambda',
            width: 8,
            left: [props.function.metricDuration({ statistic: 'p50' }), props.function.metricDuration({ statistic: 'p99' })],
            right: [props.function.metricErrors({ statistic: 'Sum' }), props.function.metricThrottles({ statistic: 'Sum' })],
          }),
        ],
        [
          new GraphWidget({
            title: 'DynamoDB capacity consumed',
            width: 8,
            left: [
              props.table.metricConsumedReadCapacityUnits({ statistic: 'Sum' }),
              props.table.metricConsumedWriteCapacityUnits({ statistic: 'Sum' }),
            ],
          }),
          new GraphWidget({
            title: 'DynamoDB latency (ms)',
            width: 8,
            left: [Operation.QUERY, Operation.TRANSACT_WRITE_ITEMS, Operation.GET_ITEM].map((operation) =>
              props.table.metricSuccessfulRequestLatency({
                dimensionsMap: { TableName: props.table.tableName, Operation: operation },
                statistic: 'p99',
              }),
            ),
          }),
          // Two widgets: both sums use the same per-operation metric ids.
          new GraphWidget({ title: 'DynamoDB throttled requests', width: 4, left: [throttled] }),
          new GraphWidget({ title: 'DynamoDB system errors', width: 4, left: [systemErrors] }),
        ],
        [
          new GraphWidget({
            title: 'Versions published and stale-sha refusals',
            width: 12,
            left: BUSINESS_METRICS.map(
              (metricName) =>
                new Metric({
                  namespace: METRICS_NAMESPACE,
                  metricName,
                  dimensionsMap: { service: SERVICE_NAME },
                  statistic: 'Sum',
                  period: fiveMinutes,
                }),
            ),
          }),
          new LogQueryWidget({
            title: 'Cold starts (Lambda REPORT lines)',
            logGroupNames,
            width: 12,
            queryLines: [
              'filter @type = "REPORT"',
              'stats count(*) as invocations, sum(ispresent(@initDuration)) as coldStarts, pct(@initDuration, 50) as ' +
                'initP50, pct(@duration, 99) as durationP99 by bin(1h)',
            ],
          }),
        ],
      ],
    });
  }

  /** An alarm that notifies the alarm topic when it fires and when it clears. */
  addAlarm(id: string, options: AlarmOptions): Alarm {
    const periods = options.periods ?? 1;
    const created = new Alarm(this, id, {
      metric: options.metric,
      threshold: options.threshold,
      evaluationPeriods: periods,
      datapointsToAlarm: periods,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `${options.description} Runbook: docs/operations.md#${id.toLowerCase()}`,
    });
    created.addAlarmAction(new SnsAction(this.alarmTopic));
    created.addOkAction(new SnsAction(this.alarmTopic));
    this.alarms.push(created);
    return created;
  }
}
