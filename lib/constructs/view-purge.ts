import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Tracing } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PURGE_ACTIONS } from '#store/permissions.ts';
import { PURGE_PREFIX } from '#store/keys.ts';
import { ServiceFunction } from './service-function.ts';
import { consumeOutbox } from './stream-consumer.ts';

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
    this.worker = new ServiceFunction(this, 'Worker', {
      entry: 'lambda/events/purge-handler.ts',
      description: 'Connect Views API: purges deleted views (purge requests from the table stream)',
      logRetention: props.logRetention,
      // Room for a purge of hundreds of thousands of items per invocation; a longer one resumes in the next.
      timeout: Duration.minutes(5),
      memorySize: 512,
      // Nothing traced invokes it (a stream record carries no trace header) and it loads no tracer:
      // tracing off, and no X-Ray action on its role.
      tracing: Tracing.DISABLED,
      environment: {
        TABLE_NAME: props.table.tableName,
        POWERTOOLS_SERVICE_NAME: 'connect-views-purge',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
    });
    props.table.grant(this.worker.function, ...PURGE_ACTIONS);
    this.deadLetterQueue = consumeOutbox(this, this.worker.function, {
      table: props.table,
      prefix: PURGE_PREFIX,
      batchSize: 10,
      // Each retry goes on where the last stopped: the count bounds a purge that fails every time, not a long one.
      retryAttempts: 100,
      purpose: 'the purge worker',
    });
  }
}
