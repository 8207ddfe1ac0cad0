import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  FilterCriteria,
  FilterRule,
  StartingPosition,
  type DlqDestinationConfig,
  type IEventSourceDlq,
  type IFunction,
} from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption, type IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { SORT_KEY } from '#store/keys.ts';

/**
 * What the table stream's consumers (the event publisher, the purge worker) have in common: each
 * is invoked only for the outbox items it acts on (inserted items whose sort key has its prefix: a
 * Lambda filter drops everything else before an invocation), reports the record it could not
 * finish so that Lambda retries from exactly there, and after its retries hands the record to a
 * dead-letter queue of its own, on which an alarm fires.
 */
export interface OutboxConsumerOptions {
  table: ITable;
  /** Sort-key prefix of the outbox items it consumes. */
  prefix: string;
  batchSize: number;
  retryAttempts: number;
  /** What the dead-letter queue holds, for its cdk-nag acknowledgement. */
  purpose: string;
}

/**
 * The event source mapping's on-failure destination. Lambda sends a failed batch's description with
 * the function's role and needs sqs:SendMessage for it, nothing more: SqsDlq grants what a producer
 * of messages may want (GetQueueAttributes, GetQueueUrl) as well.
 */
class SendOnlyDlq implements IEventSourceDlq {
  readonly #queue: IQueue;

  constructor(queue: IQueue) {
    this.#queue = queue;
  }

  bind(_target: unknown, targetHandler: IFunction): DlqDestinationConfig {
    targetHandler.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.#queue.queueArn] }));
    return { destination: this.#queue.queueArn };
  }
}

export function consumeOutbox(scope: Construct, fn: IFunction, options: OutboxConsumerOptions): Queue {
  const deadLetterQueue = new Queue(scope, 'DeadLetters', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    removalPolicy: RemovalPolicy.DESTROY,
  });
  Validations.of(deadLetterQueue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This queue is itself the dead-letter destination of ${options.purpose}; an alarm fires on its first message.`,
  });
  fn.addEventSource(
    new DynamoEventSource(options.table, {
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: options.batchSize,
      retryAttempts: options.retryAttempts,
      reportBatchItemFailures: true,
      onFailure: new SendOnlyDlq(deadLetterQueue),
      filters: [
        FilterCriteria.filter({
          eventName: FilterRule.isEqual('INSERT'),
          dynamodb: { Keys: { [SORT_KEY]: { S: FilterRule.beginsWith(options.prefix) } } },
        }),
      ],
    }),
  );
  return deadLetterQueue;
}
