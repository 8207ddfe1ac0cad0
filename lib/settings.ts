import type { Node } from 'constructs';
import { API_TYPES, type ApiType } from '../emulator/gateway/api-types.ts';

/**
 * Deployment settings, read from CDK context (`cdk.json` or `-c name=value`), with defaults that
 * make a plain `npx cdk deploy` a production-grade deployment.
 */
export interface ServiceSettings {
  /**
   * The API Gateway in front: a REST API (the default: WAF, compression, X-Ray, execution logs) or
   * an HTTP API ($1.00 a million requests instead of $3.50; see docs/deploy.md for what it lacks).
   */
  apiType: ApiType;
  /** REST API stage name, also the base path of the endpoint (an HTTP API serves its `$default` stage at the root). */
  stageName: string;
  /** Steady-state requests per second the stage admits, and the burst above it. */
  throttleRateLimit: number;
  throttleBurstLimit: number;
  /** Days to keep Lambda, access and execution logs. */
  logRetentionDays: number;
  /** Where alarm notifications go: an email address subscribed to the alarm topic. */
  alarmEmail?: string;
  /** An existing SNS topic the alarms notify instead of a topic of their own. */
  alarmTopicArn?: string;
  /** A sandbox's explicit choice to deploy alarms that notify nobody. */
  allowNoAlarmDestination: boolean;
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
  /** Share of API requests X-Ray traces (0–1); the sampling rule has no per-second reservoir. */
  traceSampleRate: number;
  /**
   * The CloudWatch dashboard ($3 a month beyond an account's first three) and the two custom
   * metrics only it shows. Off, the function emits no custom metrics: none would be read.
   */
  dashboard: boolean;
}

export const DEFAULT_SETTINGS: ServiceSettings = {
  apiType: 'rest',
  stageName: 'prod',
  throttleRateLimit: 100,
  throttleBurstLimit: 200,
  logRetentionDays: 30,
  allowNoAlarmDestination: false,
  exampleInstanceId: 'example-instance',
  apiGatewayCloudWatchRole: true,
  traceSampleRate: 0.01,
  dashboard: true,
};

/** A setting is missing or wrong: the app says which, once, without a stack trace. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

export const NO_ALARM_DESTINATION_MESSAGE =
  'No alarm destination: alarms would notify nobody. Deploy with -c alarmEmail=ADDRESS (an email subscription), ' +
  'or -c alarmTopicArn=arn:aws:sns:REGION:ACCOUNT:TOPIC (an existing SNS topic in the stack’s region), ' +
  'or, for a sandbox only, -c allowNoAlarmDestination=true. See docs/deploy.md.';

const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

export function readSettings(node: Node): ServiceSettings {
  const get = <T>(name: string, fallback: T): T => {
    const value = node.tryGetContext(name);
    if (value === undefined || value === null || value === '') return fallback;
    if (typeof fallback === 'number') {
      const number = Number(value);
      if (!Number.isFinite(number)) throw new SettingsError(`${name} must be a number, not ${JSON.stringify(value)}`);
      return number as T;
    }
    if (typeof fallback === 'boolean') {
      // A typo must not turn a safety setting the other way without a word.
      if (value === true || value === 'true') return true as T;
      if (value === false || value === 'false') return false as T;
      throw new SettingsError(`${name} must be true or false, not ${JSON.stringify(value)}`);
    }
    return value as T;
  };
  const alarmEmail = get<string | undefined>('alarmEmail', undefined);
  const alarmTopicArn = get<string | undefined>('alarmTopicArn', undefined);
  const eventBus = get<string | undefined>('eventBus', undefined);
  const allowNoAlarmDestination = get('allowNoAlarmDestination', DEFAULT_SETTINGS.allowNoAlarmDestination);
  if (!alarmEmail && !alarmTopicArn && !allowNoAlarmDestination) throw new SettingsError(NO_ALARM_DESTINATION_MESSAGE);
  if (alarmTopicArn && !SNS_TOPIC_ARN.test(alarmTopicArn))
    throw new SettingsError(`alarmTopicArn is not an SNS topic ARN: ${alarmTopicArn}`);
  const apiType = get<string>('apiType', DEFAULT_SETTINGS.apiType);
  if (!API_TYPES.includes(apiType as ApiType))
    throw new SettingsError(`apiType must be ${API_TYPES.join(' or ')}, not ${JSON.stringify(apiType)}`);
  // An HTTP API serves from its $default stage (no stage in the path): a stage name asked for would
  // silently not be the endpoint's.
  if (apiType === 'http' && get<string | undefined>('stageName', undefined) !== undefined)
    throw new SettingsError('stageName applies to apiType=rest only: the HTTP API serves its $default stage at the root of its URL');
  const traceSampleRate = get('traceSampleRate', DEFAULT_SETTINGS.traceSampleRate);
  if (!(traceSampleRate >= 0 && traceSampleRate <= 1))
    throw new SettingsError(`traceSampleRate must be between 0 and 1, not ${traceSampleRate}`);
  return {
    apiType: apiType as ApiType,
    stageName: get('stageName', DEFAULT_SETTINGS.stageName),
    throttleRateLimit: get('throttleRateLimit', DEFAULT_SETTINGS.throttleRateLimit),
    throttleBurstLimit: get('throttleBurstLimit', DEFAULT_SETTINGS.throttleBurstLimit),
    logRetentionDays: get('logRetentionDays', DEFAULT_SETTINGS.logRetentionDays),
    allowNoAlarmDestination,
    exampleInstanceId: get('exampleInstanceId', DEFAULT_SETTINGS.exampleInstanceId),
    apiGatewayCloudWatchRole: get('apiGatewayCloudWatchRole', DEFAULT_SETTINGS.apiGatewayCloudWatchRole),
    traceSampleRate,
    dashboard: get('dashboard', DEFAULT_SETTINGS.dashboard),
    ...(alarmEmail ? { alarmEmail } : {}),
    ...(alarmTopicArn ? { alarmTopicArn } : {}),
    ...(eventBus ? { eventBus } : {}),
  };
}
