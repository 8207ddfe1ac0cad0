/**
 * Runs inside the child process that stands for one Lambda execution environment: loads the
 * function's bundle as Lambda's Node.js runtime does (an ES module, the handler export named by the
 * template's `Handler`), then answers invocations sent over IPC, one at a time. Its stdout and
 * stderr are the function's log.
 *
 * Usage: fork(this file, [bundle file, handler export]) with the function's environment.
 */
import { pathToFileURL } from 'node:url';

interface Invocation {
  id: number;
  event: unknown;
  requestId: string;
  traceId?: string;
  remainingMs: number;
  functionArn: string;
}

const [bundle, exportName] = process.argv.slice(2) as [string, string];
const loaded = (await import(pathToFileURL(bundle).href)) as Record<string, unknown>;
const handler = loaded[exportName] as (event: unknown, context: unknown) => Promise<unknown>;
if (typeof handler !== 'function') throw new Error(`${bundle} has no export ${exportName}`);

let queue = Promise.resolve();
process.on('message', (invocation: Invocation) => {
  queue = queue.then(async () => {
    // Lambda sets the trace header of each invocation in the environment, where the X-Ray SDK reads it.
    if (invocation.traceId) process.env['_X_AMZN_TRACE_ID'] = invocation.traceId;
    else delete process.env['_X_AMZN_TRACE_ID'];
    const deadline = Date.now() + invocation.remainingMs;
    const context = {
      awsRequestId: invocation.requestId,
      invokedFunctionArn: invocation.functionArn,
      functionName: process.env['AWS_LAMBDA_FUNCTION_NAME'],
      functionVersion: '$LATEST',
      memoryLimitInMB: process.env['AWS_LAMBDA_FUNCTION_MEMORY_SIZE'],
      logGroupName: process.env['AWS_LAMBDA_LOG_GROUP_NAME'],
      logStreamName: process.env['AWS_LAMBDA_LOG_STREAM_NAME'],
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    try {
      const result = await handler(invocation.event, context);
      process.send!({ id: invocation.id, result });
    } catch (error) {
      const { name, message } = error as Error;
      process.send!({ id: invocation.id, error: { errorType: name, errorMessage: message } });
    }
  });
});
process.send!({ ready: true, node: process.version });
