import type { Node } from 'constructs';

/**
 * Deployment settings, read from CDK context (`cdk.json` or `-c name=value`), with defaults that
 * make a plain `npx cdk deploy` a production-grade deployment.
 */
export interface ServiceSettings {
  /** API Gateway stage name, also the base path of the endpoint. */
  stageName: string;
  /** Steady-state requests per second the stage admits, and the burst above it. */
  throttleRateLimit: number;
  throttleBurstLimit: number;
  /** Days to keep Lambda, access and execution logs. */
  logRetentionDays: number;
  /** Where alarm notifications go (an SNS email subscription); none when absent. */
  alarmEmail?: string;
  /** The instance the example per-instance IAM policy grants access to. */
  exampleInstanceId: string;
  /**
   * Whether this app sets the account-wide API Gateway CloudWatch role (needed for execution logs).
   * Only one stack per account and region should own it: turn it off where another stack does.
   */
  apiGatewayCloudWatchRole: boolean;
  /**
   * The EventBridge bus for the service's events: absent, the app creates one; `default`, the
   * account's default bus; any other name, that existing bus.
   */
  eventBus?: string;
}

export const DEFAULT_SETTINGS: ServiceSettings = {
  stageName: 'prod',
  throttleRateLimit: 100,
  throttleBurstLimit: 200,
  logRetentionDays: 30,
  exampleInstanceId: 'example-instance',
  apiGatewayCloudWatchRole: true,
};

export function readSettings(node: Node): ServiceSettings {
  const get = <T>(name: string, fallback: T): T => {
    const value = node.tryGetContext(name);
    if (value === undefined || value === null || value === '') return fallback;
    if (typeof fallback === 'number') return Number(value) as T;
    if (typeof fallback === 'boolean') return (value === true || value === 'true') as T;
    return value as T;
  };
  const alarmEmail = get<string | undefined>('alarmEmail', undefined);
  const eventBus = get<string | undefined>('eventBus', undefined);
  return {
    stageName: get('stageName', DEFAULT_SETTINGS.stageName),
    throttleRateLimit: get('throttleRateLimit', DEFAULT_SETTINGS.throttleRateLimit),
    throttleBurstLimit: get('throttleBurstLimit', DEFAULT_SETTINGS.throttleBurstLimit),
    logRetentionDays: get('logRetentionDays', DEFAULT_SETTINGS.logRetentionDays),
    exampleInstanceId: get('exampleInstanceId', DEFAULT_SETTINGS.exampleInstanceId),
    apiGatewayCloudWatchRole: get('apiGatewayCloudWatchRole', DEFAULT_SETTINGS.apiGatewayCloudWatchRole),
    ...(alarmEmail ? { alarmEmail } : {}),
    ...(eventBus ? { eventBus } : {}),
  };
}
