/**
 * The modeled errors of the Views API. `errorType` is the wire name: the SDKs pick the exception
 * class from `x-amzn-ErrorType`, so it must equal the model's shape name exactly. It is a string
 * rather than the class name because the Lambda bundle is minified.
 */
export class ServiceError extends Error {
  readonly errorType: string;
  readonly statusCode: number;
  /** Modeled members besides Message (ResourceInUseException's ResourceId, for instance). */
  readonly extra: Record<string, unknown>;

  constructor(errorType: string, statusCode: number, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.name = errorType;
    this.errorType = errorType;
    this.statusCode = statusCode;
    this.extra = extra;
  }
}

type ErrorClass = new (message: string, extra?: Record<string, unknown>) => ServiceError;

function modeledError(errorType: string, statusCode: number): ErrorClass {
  return class extends ServiceError {
    constructor(message: string, extra?: Record<string, unknown>) {
      super(errorType, statusCode, message, extra);
    }
  };
}

export const InvalidParameterException = modeledError('InvalidParameterException', 400);
export const InvalidRequestException = modeledError('InvalidRequestException', 400);
export const AccessDeniedException = modeledError('AccessDeniedException', 403);
export const ResourceNotFoundException = modeledError('ResourceNotFoundException', 404);
export const DuplicateResourceException = modeledError('DuplicateResourceException', 409);
export const ResourceInUseException = modeledError('ResourceInUseException', 409);
export const ServiceQuotaExceededException = modeledError('ServiceQuotaExceededException', 402);
export const TooManyRequestsException = modeledError('TooManyRequestsException', 429);
/** The tagging operations model throttling under this name instead of TooManyRequestsException. */
export const ThrottlingException = modeledError('ThrottlingException', 429);
export const InternalServiceException = modeledError('InternalServiceException', 500);
