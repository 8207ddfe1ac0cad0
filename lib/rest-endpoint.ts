import { Duration, RemovalPolicy, Size, Validations, type Stack } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnSamplingRule } from 'aws-cdk-lib/aws-xray';
import { REST_ACCESS_LOG_FIELDS } from './access-logs.ts';
import type { EndpointProps, ServiceEndpoint } from './endpoint.ts';

/**
 * The REST API flavour (the default): AWS_IAM on every method, one `{proxy+}` Lambda proxy route
 * that hands the handler the decoded path, a throttled stage with access and error-level execution
 * logs, gzip from 1 KiB, X-Ray sampling a fixed share of requests. Its resources sit in the stack's
 * own scope, so their logical ids are the ones every deployment made so far has.
 */
export function addRestEndpoint(stack: Stack, { handler, settings }: EndpointProps): ServiceEndpoint {
  const logRetention = settings.logRetentionDays;
  const accessLogs = new LogGroup(stack, 'AccessLogs', { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
  const api = new RestApi(stack, 'Api', {
    restApiName: `${stack.stackName}-views`,
    description: 'Amazon Connect Views API (restJson1, SigV4 for execute-api)',
    endpointTypes: [EndpointType.REGIONAL],
    // A DescribeView can carry ~400 kB of template; the SDKs accept gzip.
    minCompressionSize: Size.kibibytes(1),
    cloudWatchRole: settings.apiGatewayCloudWatchRole,
    // The role is account-wide: every REST API of the account and region logs through it, so
    // deleting this stack must not take it away from them.
    ...(settings.apiGatewayCloudWatchRole ? { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN } : {}),
    // Every method, the root's included, is the Lambda proxy behind SigV4.
    defaultIntegration: new LambdaIntegration(handler, { proxy: true, timeout: Duration.seconds(29) }),
    defaultMethodOptions: { authorizationType: AuthorizationType.IAM },
    deployOptions: {
      stageName: settings.stageName,
      throttlingRateLimit: settings.throttleRateLimit,
      throttlingBurstLimit: settings.throttleBurstLimit,
      accessLogDestination: new LogGroupLogDestination(accessLogs),
      accessLogFormat: AccessLogFormat.custom(JSON.stringify(REST_ACCESS_LOG_FIELDS)),
      loggingLevel: MethodLoggingLevel.ERROR,
      // Request and response bodies hold view names and templates: never log them.
      dataTraceEnabled: false,
      // Detailed (per-method) metrics are billed as custom metrics and nothing reads them: the
      // alarms and the dashboard use the free stage-level metrics.
      metricsEnabled: false,
      tracingEnabled: true,
    },
  });
  api.root.addProxy({ anyMethod: true });

  // API Gateway creates this group on the first error it logs, with no retention, outside the
  // stack; created here first, it keeps the configured retention and goes with the stack.
  const executionLogs = new LogGroup(stack, 'ExecutionLogs', {
    logGroupName: `API-Gateway-Execution-Logs_${api.restApiId}/${settings.stageName}`,
    retention: logRetention,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  api.deploymentStage.node.addDependency(executionLogs);

  // API Gateway decides which requests are traced (Lambda follows its decision): a fixed share,
  // with no per-second reservoir, so tracing costs a constant fraction of the request cost.
  new CfnSamplingRule(stack, 'TraceSampling', {
    samplingRule: {
      ruleName: `${stack.stackName}`.slice(0, 32),
      priority: 100,
      fixedRate: settings.traceSampleRate,
      reservoirSize: 0,
      serviceName: `${api.restApiName}/${settings.stageName}`,
      serviceType: 'AWS::ApiGateway::Stage',
      host: '*',
      httpMethod: '*',
      urlPath: '*',
      resourceArn: '*',
      version: 1,
    },
  });
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-APIG2',
    reason:
      'One {proxy+} method serves every operation; the handler validates each request against the official API model ' +
      'and answers InvalidParameterException/InvalidRequestException as Amazon Connect does.',
  });
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-APIG3',
    reason:
      'Every method requires SigV4 (AWS_IAM) and the stage is throttled; a WAF web ACL can be associated with the stage ' +
      'where an account policy requires one (docs/deploy.md).',
  });
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-COG4',
    reason: 'Callers authenticate with IAM (SigV4 for execute-api), as for the Amazon Connect API itself; Cognito does not apply.',
  });
  if (settings.apiGatewayCloudWatchRole) {
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason: 'The account-level API Gateway logging role uses the AWS managed policy made for exactly this purpose.',
    });
  }

  const stage = { dimensionsMap: { ApiName: api.restApiName, Stage: settings.stageName } };
  return {
    url: api.url,
    stageName: settings.stageName,
    apiResource: api,
    arnForExecuteApi: (method, path) => api.arnForExecuteApi(method, path, settings.stageName),
    metrics: {
      requests: (options) => api.metricCount({ ...options, ...stage }),
      clientErrors: (options) => api.metricClientError({ ...options, ...stage }),
      serverErrors: (options) => api.metricServerError({ ...options, ...stage }),
      latency: (options) => api.metricLatency({ ...options, ...stage }),
    },
  };
}
