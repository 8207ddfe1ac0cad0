import type { Stack } from 'aws-cdk-lib';
import type { IMetric, MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import type { ServiceSettings } from './settings.ts';

/**
 * The API Gateway in front of the handler, whichever flavour (lib/rest-endpoint.ts,
 * lib/http-endpoint.ts): what the rest of the stack needs of it.
 */
export interface ServiceEndpoint {
  /** What the SDKs take as their endpoint, the stage's path included. */
  readonly url: string;
  /** The stage as execute-api ARNs name it (`prod`, `$default`). */
  readonly stageName: string;
  /** The API resource, whose logical id cdk-nag puts in its findings. */
  readonly apiResource: IConstruct;
  /** The resource of an `execute-api:Invoke` grant: METHOD (or `*`) on PATH of this API's stage. */
  arnForExecuteApi(method: string, path: string): string;
  readonly metrics: EndpointMetrics;
}

/** The stage's request metrics (free, stage-level), for alarms and the dashboard. */
export interface EndpointMetrics {
  requests(options?: MetricOptions): IMetric;
  clientErrors(options?: MetricOptions): IMetric;
  serverErrors(options?: MetricOptions): IMetric;
  latency(options?: MetricOptions): IMetric;
}

export interface EndpointProps {
  handler: IFunction;
  settings: ServiceSettings;
}

export type AddEndpoint = (stack: Stack, props: EndpointProps) => ServiceEndpoint;
