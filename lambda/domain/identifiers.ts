import { InvalidParameterException, ResourceNotFoundException } from './errors.ts';

/** Where this service runs: the parts every ARN it issues or accepts must carry. */
export interface Deployment {
  partition: string;
  region: string;
  accountId: string;
}

export type Qualifier = { kind: 'LATEST' } | { kind: 'SAVED' } | { kind: 'VERSION'; version: number };

export interface ViewRef {
  instanceId: string;
  viewId: string;
  qualifier?: Qualifier;
}

/** Version numbers are ViewVersion integers (a Java int upstream). */
export const MAX_VERSION = 2_147_483_647;

const ARN = /^arn:([^:]+):connect:([^:]*):([^:]*):instance\/([^/]+)(?:\/view\/(.+))?$/;

interface ParsedArn {
  partition: string;
  region: string;
  accountId: string;
  instanceId: string;
  viewPart?: string;
}

function parseConnectArn(arn: string): ParsedArn | undefined {
  const match = ARN.exec(arn);
  if (!match) return undefined;
  const [, partition, region, accountId, instanceId, viewPart] = match;
  return { partition: partition!, region: region!, accountId: accountId!, instanceId: instanceId!, ...(viewPart ? { viewPart } : {}) };
}

function belongsTo(arn: ParsedArn, deployment: Deployment): boolean {
  return arn.partition === deployment.partition && arn.region === deployment.region && arn.accountId === deployment.accountId;
}

/** An InstanceId may also be an instance ARN; either way the instance is its id. */
export function normalizeInstanceId(raw: string, deployment: Deployment): string {
  if (!raw.startsWith('arn:')) return raw;
  const arn = parseConnectArn(raw);
  if (!arn || arn.viewPart !== undefined) {
    throw new InvalidParameterException('Invalid parameter InstanceId: must be an instance id or an instance ARN.');
  }
  if (!belongsTo(arn, deployment))
    throw new ResourceNotFoundException(`Instance ${arn.instanceId} does not exist in this account and region.`);
  return arn.instanceId;
}

function parseQualifier(text: string): Qualifier {
  if (text === '$LATEST') return { kind: 'LATEST' };
  if (text === '$SAVED') return { kind: 'SAVED' };
  if (/^[1-9][0-9]{0,9}$/.test(text)) {
    const version = Number(text);
    if (version <= MAX_VERSION) return { kind: 'VERSION', version };
  }
  throw new InvalidParameterException('Invalid parameter ViewId: the qualifier must be $LATEST, $SAVED or a version number.');
}

function splitQualifier(idWithQualifier: string): { viewId: string; qualifier?: Qualifier } {
  const colon = idWithQualifier.indexOf(':');
  if (colon < 0) return { viewId: idWithQualifier };
  const viewId = idWithQualifier.slice(0, colon);
  if (viewId.length === 0) throw new InvalidParameterException('Invalid parameter ViewId: the view id is empty.');
  return { viewId, qualifier: parseQualifier(idWithQualifier.slice(colon + 1)) };
}

/**
 * A ViewId is a bare id or a view ARN, either optionally qualified with `:$LATEST`, `:$SAVED` or
 * `:N`. A view ARN of another instance, account or region names a view that is not here.
 */
export function parseViewId(raw: string, instanceId: string, deployment: Deployment): ViewRef {
  if (raw.startsWith('arn:')) {
    const arn = parseConnectArn(raw);
    if (!arn?.viewPart || arn.viewPart.includes('/')) {
      throw new InvalidParameterException('Invalid parameter ViewId: must be a view id or a view ARN.');
    }
    const { viewId, qualifier } = splitQualifier(arn.viewPart);
    if (!belongsTo(arn, deployment) || arn.instanceId !== instanceId) {
      throw new ResourceNotFoundException(`View ${viewId} does not exist in instance ${instanceId}.`);
    }
    return { instanceId, viewId, ...(qualifier ? { qualifier } : {}) };
  }
  const { viewId, qualifier } = splitQualifier(raw);
  return { instanceId, viewId, ...(qualifier ? { qualifier } : {}) };
}

/** Operations other than DescribeView act on the view itself, never on an alias or a version. */
export function requireUnqualified(ref: ViewRef): ViewRef {
  if (ref.qualifier) {
    throw new InvalidParameterException('Invalid parameter ViewId: this operation takes the view id or ARN without a qualifier.');
  }
  return ref;
}

/** `/tags/{resourceArn}`: the tagging operations act on views, named by their unqualified ARN. */
export function parseViewArn(raw: string, deployment: Deployment): ViewRef {
  const arn = raw.startsWith('arn:') ? parseConnectArn(raw) : undefined;
  if (!arn) throw new InvalidParameterException('Invalid parameter resourceArn: must be the ARN of a view.');
  if (!arn.viewPart || arn.viewPart.includes('/')) {
    throw new ResourceNotFoundException('The resource is not a view of this service; only views can be tagged here.');
  }
  const { viewId, qualifier } = splitQualifier(arn.viewPart);
  if (qualifier) {
    throw new InvalidParameterException('Invalid parameter resourceArn: tags belong to the view; use its ARN without a qualifier.');
  }
  if (!belongsTo(arn, deployment)) throw new ResourceNotFoundException(`View ${viewId} does not exist in this account and region.`);
  return { instanceId: arn.instanceId, viewId };
}

export function viewArn(deployment: Deployment, instanceId: string, viewId: string): string {
  return `arn:${deployment.partition}:connect:${deployment.region}:${deployment.accountId}:instance/${instanceId}/view/${viewId}`;
}

export function viewVersionArn(deployment: Deployment, instanceId: string, viewId: string, version: number): string {
  return `${viewArn(deployment, instanceId, viewId)}:${version}`;
}
