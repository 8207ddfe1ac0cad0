import { InternalServerError, ProvisionedThroughputExceededException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '#store/client.ts';

/**
 * A DynamoDB document client that counts the calls it makes and injects faults at the client layer:
 * before the request (throttling, server errors, transaction conflicts, a timeout) or after DynamoDB
 * executed it (a response lost after the write committed, which the SDK then retries).
 */
export type FaultKind = 'throttle' | 'internal' | 'conflict' | 'timeout' | 'lost-response';

export interface Fault {
  kind: FaultKind;
  /** SDK command names (TransactWriteItemsCommand, QueryCommand, GetItemCommand…); all when absent. */
  commands?: string[];
  /** How many calls to fail; every matching call when absent. */
  times?: number;
}

const metadata = { $metadata: {} };

function errorFor(kind: Exclude<FaultKind, 'lost-response'>): Error {
  switch (kind) {
    case 'throttle':
      return new ProvisionedThroughputExceededException({ message: 'injected: throughput exceeded', ...metadata });
    case 'internal':
      return new InternalServerError({ message: 'injected: internal server error', ...metadata });
    case 'conflict':
      return new TransactionCanceledException({
        message: 'injected: transaction conflict',
        CancellationReasons: [{ Code: 'TransactionConflict' }],
        ...metadata,
      });
    case 'timeout':
      return timeoutError('injected: request timed out before DynamoDB answered');
  }
}

function timeoutError(message: string): Error {
  const error = new Error(message);
  error.name = 'TimeoutError';
  (error as Error & { $metadata: object }).$metadata = {};
  return error;
}

export class InstrumentedDynamo {
  readonly client: DynamoDBDocumentClient;
  readonly calls: string[] = [];
  #faults: Fault[] = [];

  constructor(endpoint: string) {
    this.client = createDocumentClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const take = (command: string, phase: 'before' | 'after'): Fault | undefined => {
      const fault = this.#faults.find(
        (f) => (f.kind === 'lost-response') === (phase === 'after') && (!f.commands || f.commands.includes(command)) && (f.times ?? 1) > 0,
      );
      if (fault && fault.times !== undefined) fault.times--;
      return fault;
    };
    // Initialize runs once per call, before the SDK's retries: a fault here is what the service sees
    // after the SDK gave up.
    this.client.middlewareStack.add(
      (next, context) => async (args) => {
        this.calls.push(context.commandName ?? 'unknown');
        const fault = take(context.commandName ?? '', 'before');
        if (fault) throw errorFor(fault.kind as Exclude<FaultKind, 'lost-response'>);
        return next(args);
      },
      { step: 'initialize', name: 'injectFaultBefore' },
    );
    // Deserialize runs inside the retry loop, after DynamoDB executed the request.
    this.client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (take(context.commandName ?? '', 'after')) throw timeoutError('injected: socket hang up after the request was executed');
        return result;
      },
      { step: 'deserialize', name: 'injectLostResponse' },
    );
  }

  inject(...faults: Fault[]): void {
    this.#faults = faults.map((f) => ({ ...f }));
  }

  clear(): void {
    this.#faults = [];
  }

  /** Calls made while `run` ran, by command name. */
  async count(run: () => Promise<unknown>): Promise<Record<string, number>> {
    const from = this.calls.length;
    await run();
    const counts: Record<string, number> = {};
    for (const name of this.calls.slice(from)) counts[name] = (counts[name] ?? 0) + 1;
    return counts;
  }
}
