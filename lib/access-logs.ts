import { AccessLogField } from 'aws-cdk-lib/aws-apigateway';

/**
 * The stage's access log, one JSON object per request, in both flavours: who called what, and for a
 * failure the fields that tell an IAM 403, a throttled 429 and an integration failure (REST: 502/504,
 * HTTP API: 500/503) apart without another log. The same keys where the two APIs have the variable.
 */
export const REST_ACCESS_LOG_FIELDS: Record<string, string> = {
  requestId: AccessLogField.contextRequestId(),
  extendedRequestId: AccessLogField.contextExtendedRequestId(),
  ip: AccessLogField.contextIdentitySourceIp(),
  caller: AccessLogField.contextIdentityCaller(),
  user: AccessLogField.contextIdentityUser(),
  requestTime: AccessLogField.contextRequestTime(),
  httpMethod: AccessLogField.contextHttpMethod(),
  resourcePath: AccessLogField.contextResourcePath(),
  path: AccessLogField.contextPath(),
  protocol: AccessLogField.contextProtocol(),
  status: AccessLogField.contextStatus(),
  responseLength: AccessLogField.contextResponseLength(),
  responseLatency: AccessLogField.contextResponseLatency(),
  errorMessage: AccessLogField.contextErrorMessage(),
  errorResponseType: AccessLogField.contextErrorResponseType(),
  integrationStatus: '$context.integration.status',
  integrationErrorMessage: AccessLogField.contextIntegrationErrorMessage(),
  integrationLatency: '$context.integration.latency',
  xrayTraceId: AccessLogField.contextXrayTraceId(),
};

/**
 * The HTTP API's variables (docs: "Customize HTTP API access logs"): no resource path (the route key
 * instead), no X-Ray trace id; Lambda's own invocation status beside the function's status code,
 * which tells a throttled or oversized invocation from a function that answered 5XX.
 */
export const HTTP_ACCESS_LOG_FIELDS: Record<string, string> = {
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  ip: '$context.identity.sourceIp',
  caller: '$context.identity.caller',
  user: '$context.identity.user',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  errorMessage: '$context.error.message',
  errorResponseType: '$context.error.responseType',
  integrationStatus: '$context.integration.status',
  lambdaStatus: '$context.integration.integrationStatus',
  integrationErrorMessage: '$context.integrationErrorMessage',
  integrationLatency: '$context.integration.latency',
};
