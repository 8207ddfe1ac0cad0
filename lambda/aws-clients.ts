/**
 * What every AWS SDK client of the service is configured with: a stalled connection or answer
 * becomes a failed attempt, which the SDK retries, never a request that hangs until Lambda's own
 * timeout. The SDK only logs a warning when `requestTimeout` passes unless `throwOnRequestTimeout`
 * is set, so both are set, with a connection timeout.
 */
export const AWS_CLIENT_DEFAULTS = {
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 2000, requestTimeout: 5000, throwOnRequestTimeout: true },
};
