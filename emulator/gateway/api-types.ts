/**
 * Where the two API Gateway flavours the service deploys behind (`-c apiType=rest|http`) differ
 * between the client and the Lambda function: the integration timeout and the answers the gateway
 * gives in its own name. Everything else — SigV4 for execute-api, the 10 MB request limit, Lambda's
 * 6 MB limits, the proxy event of payload format 1.0 — is the same.
 *
 * Where AWS documents the HTTP API's wording it is used (`{"message":"Internal Server Error"}` for a
 * failed integration); where it does not, the answer follows what public reports of deployed HTTP
 * APIs show (`{"message":"Service Unavailable"}` after the timeout, `{"message":"Forbidden"}` for an
 * unsigned request, an `apigw-requestid` header and no `x-amzn-ErrorType`). docs/deploy.md lists
 * which of these could not be checked against AWS.
 */
export const API_TYPES = ['rest', 'http'] as const;
export type ApiType = (typeof API_TYPES)[number];

/** Why the gateway answers in its own name, never reaching (or giving up on) the function. */
export type GatewayFailure =
  | 'requestTooLarge'
  | 'invocationTooLarge'
  | 'missingToken'
  | 'badEncoding'
  | 'functionFailed'
  | 'responseTooLarge'
  | 'timedOut'
  | 'internal';

export interface GatewayAnswer {
  status: number;
  message: string;
  /** REST APIs name the error in `x-amzn-ErrorType`; HTTP APIs do not. */
  errorType?: string;
}

export interface ApiTypeBehaviour {
  /** How long the gateway waits for the function before it gives up (REST 29 s, HTTP 30 s). */
  integrationTimeoutMs: number;
  /** The header that carries the gateway's request id on its own answers. */
  requestIdHeader: string;
  answers: Record<GatewayFailure, GatewayAnswer>;
  /** A signature the gateway refused: its status, and whether the error type is named. */
  denied(errorType: string, message: string): GatewayAnswer;
}

export const API_TYPE_BEHAVIOURS: Record<ApiType, ApiTypeBehaviour> = {
  rest: {
    integrationTimeoutMs: 29_000,
    requestIdHeader: 'x-amzn-RequestId',
    answers: {
      requestTooLarge: { status: 413, errorType: 'RequestEntityTooLargeException', message: 'Request Too Long' },
      invocationTooLarge: { status: 413, errorType: 'RequestEntityTooLargeException', message: 'Request Entity Too Large' },
      missingToken: { status: 403, errorType: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' },
      badEncoding: { status: 400, errorType: 'BadRequestException', message: 'Invalid percent-encoding in the request URI.' },
      functionFailed: { status: 502, errorType: 'InternalServerErrorException', message: 'Internal server error' },
      responseTooLarge: { status: 502, errorType: 'InternalServerErrorException', message: 'Internal server error' },
      timedOut: { status: 504, errorType: 'InternalServerErrorException', message: 'Endpoint request timed out' },
      internal: { status: 500, errorType: 'InternalServerErrorException', message: 'Internal server error' },
    },
    denied: (errorType, message) => ({ status: 403, errorType, message }),
  },
  http: {
    integrationTimeoutMs: 30_000,
    requestIdHeader: 'apigw-requestid',
    answers: {
      requestTooLarge: { status: 413, message: 'Request Entity Too Large' },
      invocationTooLarge: { status: 413, message: 'Request Entity Too Large' },
      missingToken: { status: 403, message: 'Forbidden' },
      badEncoding: { status: 400, message: 'Bad Request' },
      functionFailed: { status: 500, message: 'Internal Server Error' },
      responseTooLarge: { status: 500, message: 'Internal Server Error' },
      timedOut: { status: 503, message: 'Service Unavailable' },
      internal: { status: 500, message: 'Internal Server Error' },
    },
    denied: (_errorType, message) => ({ status: 403, message }),
  },
};
