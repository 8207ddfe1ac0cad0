import { ConnectClient, type ConnectClientConfig } from '@aws-sdk/client-connect';

/** How a command names the Connect it talks to, the way the AWS CLI does. */
export interface TargetOptions {
  /** The instance's id, or its instance ARN (`arn:aws:connect:REGION:ACCOUNT:instance/ID`). */
  instanceId: string;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  /** The SigV4 service name; `execute-api` is chosen by itself for an API Gateway host. */
  signingName?: string;
  /** Explicit credentials (tests, scripts); the default provider chain when absent. */
  credentials?: ConnectClientConfig['credentials'];
  /** Attempts per request, the first included; the SDK's adaptive retry mode spaces them. Default 8. */
  maxAttempts?: number;
}

export interface Target {
  client: ConnectClient;
  /** The bare instance id, whichever form was given. */
  instanceId: string;
  /** `arn:PARTITION:connect:REGION:ACCOUNT:instance/ID` when an instance ARN was given. */
  instanceArnPrefix?: string;
}

/** A problem with the flags or the environment, said in one line; the command prints it without a stack. */
export class TargetError extends Error {
  override name = 'TargetError';
}

const INSTANCE_ARN = /^arn:(aws[a-z-]*):connect:([a-z0-9-]+):(\d{12}):instance\/([A-Za-z0-9_-]+)$/;
const EXECUTE_API_HOST = /^[a-z0-9]+\.execute-api\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/i;

export interface ParsedInstance {
  instanceId: string;
  region?: string;
  arnPrefix?: string;
}

/** An instance id or instance ARN: the ARN gives the id, and the region when none was named. */
export function parseInstance(value: string): ParsedInstance {
  const trimmed = value.trim();
  if (!trimmed) throw new TargetError('--instance-id is empty: give the instance id or its instance ARN.');
  if (trimmed.startsWith('arn:')) {
    const match = INSTANCE_ARN.exec(trimmed);
    if (!match) throw new TargetError(`--instance-id ${trimmed} is not an instance ARN (arn:aws:connect:REGION:ACCOUNT:instance/ID).`);
    return { instanceId: match[4]!, region: match[2]!, arnPrefix: trimmed };
  }
  return { instanceId: trimmed };
}

/**
 * The signing name an endpoint needs: API Gateway (the self-hosted deployment) accepts only
 * `execute-api`, so its hosts get it without asking; anything else signs as `connect` (the SDK's
 * own) unless told otherwise.
 */
export function signingNameFor(endpointUrl: string | undefined, explicit?: string): string | undefined {
  if (explicit) return explicit;
  if (!endpointUrl) return undefined;
  let host: string;
  try {
    host = new URL(endpointUrl).hostname;
  } catch {
    throw new TargetError(`--endpoint-url ${endpointUrl} is not a URL.`);
  }
  return EXECUTE_API_HOST.test(host) ? 'execute-api' : undefined;
}

function envRegion(): string | undefined {
  return process.env['AWS_REGION'] || process.env['AWS_DEFAULT_REGION'] || undefined;
}

/**
 * A ConnectClient for the target: adaptive retries (Connect's view APIs have low request rates and
 * throttle), the default credential chain with `profile` passed to it (so SSO, process and
 * role-assuming profiles work as in the AWS CLI), and the signing name the endpoint needs.
 */
export function targetFromOptions(options: TargetOptions): Target {
  const parsed = parseInstance(options.instanceId);
  // A region named in the flags wins; then the ARN's; then the environment; then the profile's config file (the SDK reads it).
  const region = options.region ?? parsed.region ?? envRegion();
  const signingName = signingNameFor(options.endpointUrl, options.signingName);
  // `signingName` is honoured by the signer but missing from the config type (README, "Calling the deployed API").
  const config: ConnectClientConfig & { signingName?: string } = {
    retryMode: 'adaptive',
    maxAttempts: options.maxAttempts ?? 8,
    ...(region ? { region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(signingName ? { signingName } : {}),
  };
  return {
    client: new ConnectClient(config),
    instanceId: parsed.instanceId,
    ...(parsed.arnPrefix ? { instanceArnPrefix: parsed.arnPrefix } : {}),
  };
}

/**
 * The SDK's own words for a missing region or credentials are long and name its internals; these
 * are what a user can act on. Anything else is returned unchanged.
 */
export function explainSdkError(error: unknown): string | undefined {
  const message = (error as Error | undefined)?.message ?? '';
  const name = (error as Error | undefined)?.name ?? '';
  if (/region is missing|region="" is not a valid/i.test(message)) {
    return 'No AWS region: pass --region, set AWS_REGION, or name a profile with a region (--profile).';
  }
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return 'No AWS credentials: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or pass --profile (aws configure / aws sso login).';
  }
  if (/ENOTFOUND|ECONNREFUSED/.test(message) || ['ENOTFOUND', 'ECONNREFUSED'].includes((error as { code?: string })?.code ?? '')) {
    return `Cannot reach the endpoint: ${message}`;
  }
  return undefined;
}
