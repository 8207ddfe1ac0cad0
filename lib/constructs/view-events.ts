import { Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, type IEventBus } from 'aws-cdk-lib/aws-events';
import { Tracing } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_PREFIX } from '#store/keys.ts';
import { ServiceFunction } from './service-function.ts';
import { consumeOutbox } from './stream-consumer.ts';

export interface ViewEventsProps {
  /** The table, with its stream ARN. */
  table: ITable;
  logRetention: RetentionDays;
  /** `default` for the account's default bus, another name for an existing bus; absent, a new one. */
  eventBus?: string;
}

/**
 * Events from the table's change stream: a function reads only the inserted outbox items (a Lambda
 * filter drops every other record before it is invoked) and puts each on the bus; batches it could
 * not deliver after its retries go to a dead-letter queue.
 */
export class ViewEvents extends Construct {
  readonly bus: IEventBus;
  readonly deadLetterQueue: Queue;
  readonly publisher: ServiceFunction;

  constructor(scope: Construct, id: string, props: ViewEventsProps) {
    super(scope, id);
    this.bus =
      props.eventBus === undefined
        ? new EventBus(this, 'Bus', {
            eventBusName: `${Stack.of(this).stackName}-views`,
            description: 'Connect Views API events (source views.service)',
          })
        : EventBus.fromEventBusName(this, 'Bus', props.eventBus);

    this.publisher = new ServiceFunction(this, 'Publisher', {
      entry: 'lambda/events/stream-handler.ts',
      description: 'Connect Views API: publishes the outbox events of the table stream to EventBridge',
      logRetention: props.logRetention,
      timeout: Duration.seconds(30),
      memorySize: 256,
      // Nothing traced invokes it (a stream record carries no trace header) and it loads no tracer:
      // tracing off, and no X-Ray action on its role.
      tracing: Tracing.DISABLED,
      environment: {
        EVENT_BUS_NAME: this.bus.eventBusName,
        POWERTOOLS_SERVICE_NAME: 'connect-views-events',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
    });
    this.bus.grantPutEventsTo(this.publisher.function);
    this.deadLetterQueue = consumeOutbox(this, this.publisher.function, {
      table: props.table,
      prefix: EVENT_PREFIX,
      batchSize: 25,
      retryAttempts: 10,
      purpose: 'the event publisher',
    });
  }
}
