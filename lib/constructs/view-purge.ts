import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, FilterRule, StartingPosition, Tracing } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PURGE_ACTIONS } from '#store/permissions.ts';
import { PURGE_PREFIX, SORT_KEY } from '#store/keys.ts';
import { ServiceFunction } from './service-function.ts';

export interface ViewPurgeProps {
  /** The table, with its stream ARN. */
  table: ITable;
  logRetention: RetentionDays;
}

/**
 * Finishes every DeleteView: a function on the table's change stream receives only the purge
 * requests DeleteView writes in its own transaction (a Lambda filter drops everything else) and
 * deletes the deleted view's versions and content. A purge longer than one invocation reports its
 * record as the batch item failure and continues in the next; one that keeps failing ends, after
 * the retries, in a dead-letter queue that raises an alarm.
 */
export class ViewPurge extends Construct {
  readonly deadLetterQueue: Queue;
  readonly worker: ServiceFunction;

  constructor(scope: Construct, id: string, props: ViewPurgeProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter destination of the purge worker; an alarm fires on its first message.',
    });

    this.worker = new ServiceFunction(this, 'Worker', {
      entry: 'lambda/events/purge-handler.ts',
      description: 'Connect Views API: purges deleted views (purge requests from the table stream)',
      logRetention: props.logRetention,
      // Room for a purge of hundreds of thousands of items per invocation; a longer one resumes in the next.
      timeout: Duration.minutes(5),
      memorySize: 512,
      // Stream invocations are sampled by Lambda itself, not by the stage's sampling rule.
      tracing: Tracing.PASS_THROUGH,
      environment: {
        TABLE_NAME: props.table.tableName,
        POWERTOOLS_SERVICE_NAME: 'connect-views-purge',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
    });
    props.table.grant(this.worker.function, ...PURGE_ACTIONS);
    this.worker.function.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 10,
        // Each retry goes on where the last stopped: the count bounds a purge that fails every time, not a long one.
        retryAttempts: 100,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.deadLetterQueue),
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('INSERT'),
            dynamodb: { Keys: { [SORT_KEY]: { S: FilterRule.beginsWith(PURGE_PREFIX) } } },
          }),
        ],
      }),
    );
  }
}
