import assert from 'node:assert/strict';
import type { ApiType } from '../../emulator/gateway/api-types.ts';
import { testApiType } from './service.ts';

/**
 * What each API Gateway flavour answers in its own name, as docs/deploy.md states it: written here
 * on their own (not read from the emulator's table), so that a change to the emulator's answers
 * has to be a change to what the docs promise too.
 */
export const EXPECTED_GATEWAY_ANSWERS: Record<
  ApiType,
  Record<'missingToken' | 'responseTooLarge' | 'functionFailed' | 'timedOut', { status: number; message: string; errorType: string | null }>
> = {
  rest: {
    missingToken: { status: 403, message: 'Missing Authentication Token', errorType: 'MissingAuthenticationTokenException' },
    responseTooLarge: { status: 502, message: 'Internal server error', errorType: 'InternalServerErrorException' },
    functionFailed: { status: 502, message: 'Internal server error', errorType: 'InternalServerErrorException' },
    timedOut: { status: 504, message: 'Endpoint request timed out', errorType: 'InternalServerErrorException' },
  },
  http: {
    missingToken: { status: 403, message: 'Forbidden', errorType: null },
    responseTooLarge: { status: 500, message: 'Internal Server Error', errorType: null },
    functionFailed: { status: 500, message: 'Internal Server Error', errorType: null },
    timedOut: { status: 503, message: 'Service Unavailable', errorType: null },
  },
};

/** A REST API names its own errors in `x-amzn-ErrorType`; an HTTP API answers `{"message"}` alone. */
export function assertGatewayErrorType(response: { headers: Headers }, errorType?: string, apiType: ApiType = testApiType()): void {
  const header = response.headers.get('x-amzn-errortype');
  if (apiType === 'http') assert.equal(header, null, 'an HTTP API names no error type');
  else if (errorType) assert.equal(header, errorType);
  else assert.ok(header, 'a REST API names the error type');
}
