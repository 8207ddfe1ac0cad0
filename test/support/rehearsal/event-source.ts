import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import type { EventSource } from '../../../emulator/iam/template.ts';
import { LAMBDA_KEY_PREFIX, type IamLedger } from './aws-stand-ins.ts';
import type { LambdaProcess } from './lambda-process.ts';

/**
 * A DynamoDB event source mapping as Lambda runs one: it reads the table's stream with the
 * function's role (ListStreams, DescribeStream, GetShardIterator, GetRecords), drops the records its
 * filters do not admit, invokes the function with batches of at most BatchSize records, retries
 * from the record a batch reports as failed, and after MaximumRetryAttempts retries sends the
 * batch's description to the on-failure destination (sqs:SendMessage with the role) and goes on.
 */
export interface EventSourceOptions {
  source: EventSource;
  fn: LambdaProcess;
  roleId: string;
  tableName: string;
  region: string;
  /** The stand-ins' endpoint; the mapping's reads are signed as the role. */
  endpoint: string;
  ledger: IamLedger;
  /** The on-failure destination's ARN, resolved. */
  onFailure?: string;
}

export interface Drained {
  invocations: number;
  deadLetters: number;
}

/** Lambda's event filtering, for the patterns a mapping of this service uses: exact values and prefixes. */
export function matches(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) {
    return pattern.some((rule) => {
      if (rule !== null && typeof rule === 'object') {
        const { prefix, ...rest } = rule as { prefix?: string };
        if (prefix === undefined || Object.keys(rest).length > 0) throw new Error(`unsupported filter rule ${JSON.stringify(rule)}`);
        return typeof value === 'string' && value.startsWith(prefix);
      }
      return rule === value;
    });
  }
  if (pattern !== null && typeof pattern === 'object') {
    if (value === null || typeof value !== 'object') return false;
    return Object.entries(pattern).every(([key, inner]) => matches(inner, (value as Record<string, unknown>)[key]));
  }
  throw new Error(`unsupported filter pattern ${JSON.stringify(pattern)}`);
}

/** Lambda's record shape: the stream record with where it came from. */
function lambdaRecord(record: _Record, streamArn: string, region: string) {
  const dynamodb = record.dynamodb!;
  return {
    ...record,
    eventSource: 'aws:dynamodb',
    eventSourceARN: streamArn,
    awsRegion: region,
    dynamodb: {
      ...dynamodb,
      ApproximateCreationDateTime: dynamodb.ApproximateCreationDateTime ? dynamodb.ApproximateCreationDateTime.getTime() / 1000 : undefined,
    },
  };
}

type LambdaRecord = ReturnType<typeof lambdaRecord>;

export class EventSourceMapping {
  readonly #options: EventSourceOptions;
  readonly #streams: DynamoDBStreamsClient;
  readonly #iterators = new Map<string, string | undefined>();
  #streamArn?: string;

  constructor(options: EventSourceOptions) {
    this.#options = options;
    this.#streams = new DynamoDBStreamsClient({
      endpoint: options.endpoint,
      region: options.region,
      credentials: { accessKeyId: `${LAMBDA_KEY_PREFIX}${options.roleId}`, secretAccessKey: 'lambda', sessionToken: 'lambda' },
      maxAttempts: 1,
    });
  }

  #admitted(record: LambdaRecord): boolean {
    const filters = this.#options.source.filters;
    return filters.length === 0 || filters.some((filter) => matches(JSON.parse(filter), JSON.parse(JSON.stringify(record))));
  }

  /** Reads the stream to its current end and hands every admitted record to the function. */
  async drain(): Promise<Drained> {
    const drained: Drained = { invocations: 0, deadLetters: 0 };
    if (!this.#streamArn) {
      const { Streams = [] } = await this.#streams.send(new ListStreamsCommand({ TableName: this.#options.tableName }));
      this.#streamArn = Streams.at(-1)?.StreamArn;
      if (!this.#streamArn) throw new Error(`table ${this.#options.tableName} has no stream`);
    }
    const { StreamDescription } = await this.#streams.send(new DescribeStreamCommand({ StreamArn: this.#streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      if (!this.#iterators.has(shard.ShardId!)) {
        const { ShardIterator } = await this.#streams.send(
          new GetShardIteratorCommand({ StreamArn: this.#streamArn, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }),
        );
        this.#iterators.set(shard.ShardId!, ShardIterator);
      }
    }
    for (const [shardId, start] of this.#iterators) {
      let iterator = start;
      while (iterator) {
        const { Records = [], NextShardIterator } = await this.#streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
        const admitted = Records.map((record) => lambdaRecord(record, this.#streamArn!, this.#options.region)).filter((record) =>
          this.#admitted(record),
        );
        for (let i = 0; i < admitted.length; i += this.#options.source.batchSize) {
          await this.#deliver(admitted.slice(i, i + this.#options.source.batchSize), drained);
        }
        this.#iterators.set(shardId, NextShardIterator);
        if (Records.length === 0) break;
        iterator = NextShardIterator;
      }
    }
    return drained;
  }

  async #deliver(batch: LambdaRecord[], drained: Drained): Promise<void> {
    let pending = batch;
    for (let attempt = 0; pending.length > 0; attempt++) {
      drained.invocations++;
      const { result, error } = await this.#options.fn.invoke({ Records: pending }, { remainingMs: 60_000 });
      const failed = error
        ? pending[0]!.dynamodb.SequenceNumber
        : (result as { batchItemFailures?: { itemIdentifier: string }[] } | undefined)?.batchItemFailures?.[0]?.itemIdentifier;
      if (failed === undefined) return;
      const from = pending.findIndex((record) => record.dynamodb.SequenceNumber === failed);
      pending = from < 0 ? pending : pending.slice(from);
      if (attempt >= this.#options.source.maximumRetryAttempts) {
        // Retries exhausted: the batch's description goes to the destination and the records are skipped.
        if (this.#options.onFailure) {
          const refusal = this.#options.ledger.check(
            this.#options.roleId,
            { action: 'sqs:SendMessage', resource: this.#options.onFailure },
            'lambda',
          );
          if (refusal) throw new Error(refusal);
        }
        drained.deadLetters++;
        return;
      }
    }
  }

  stop(): void {
    this.#streams.destroy();
  }
}
