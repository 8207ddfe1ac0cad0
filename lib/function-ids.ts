/**
 * The service's functions as the API stack's template names them: CDK makes a function's logical
 * id from its construct path (`Service/Handler` → `ServiceHandler` and a hash). The local stack and
 * the deploy rehearsal find each function's role in the template by these prefixes.
 */
export const FUNCTION_IDS = {
  /** The API handler behind API Gateway. */
  api: 'ServiceHandler',
  /** The outbox event publisher on the table stream. */
  publisher: 'EventsPublisherHandler',
  /** The purge worker on the table stream. */
  purge: 'PurgeWorkerHandler',
} as const;

export type ServiceFunctionName = keyof typeof FUNCTION_IDS;
