/**
 * Lambda refuses a synchronous response over 6 MB, and API Gateway then answers 502 — after the
 * request's work is done and, for a write, committed. So every response the service can produce
 * must fit, and the size that counts is the one Lambda sees: the body is JSON carried as a string
 * inside the JSON of the proxy result, so every quote, backslash and control character in it is
 * escaped twice.
 */
export const LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024;

/** What a view's content (template, actions, generated input schema) may take of a response. */
export const MAX_CONTENT_RESPONSE_BYTES = 4 * 1024 * 1024;

/** A list page stops taking items once they take this much; one more item is far smaller than the rest of the limit. */
export const MAX_PAGE_RESPONSE_BYTES = 3.5 * 1024 * 1024;

/** Bytes `value` takes in the Lambda response, as JSON inside JSON. */
export function responseBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(JSON.stringify(value)), 'utf8');
}
