import type { APIGatewayProxyResult } from 'aws-lambda';
import { InternalServiceException, type ServiceError, ThrottlingException } from '#domain/errors.ts';
import { modeledErrors, type OperationName } from '#domain/model.ts';

/** restJson1: the SDKs choose the exception class from `x-amzn-ErrorType`, never from the status. */
export function success(body: unknown, requestId: string): APIGatewayProxyResult {
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json', 'x-amzn-RequestId': requestId },
    body: JSON.stringify(body ?? {}),
  };
}

export function failure(error: ServiceError, requestId: string): APIGatewayProxyResult {
  return {
    statusCode: error.statusCode,
    headers: { 'content-type': 'application/json', 'x-amzn-RequestId': requestId, 'x-amzn-ErrorType': error.errorType },
    body: JSON.stringify({ Message: error.message, ...error.extra }),
  };
}

/** Renames an error to the shape the operation models (the tagging operations say ThrottlingException). */
export function asModeled(error: ServiceError, operation: OperationName | undefined): ServiceError {
  if (!operation || error.errorType !== 'TooManyRequestsException') return error;
  const errors = modeledErrors(operation);
  if (!errors.has('TooManyRequestsException') && errors.has('ThrottlingException')) return new ThrottlingException(error.message);
  return error;
}

export function internalError(requestId: string): ServiceError {
  return new InternalServiceException(`The service could not complete the request; retry it. Request id: ${requestId}.`);
}
