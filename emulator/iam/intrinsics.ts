/**
 * CloudFormation's intrinsic functions, evaluated against a stand-in deployment: what a
 * synthesized template's environment variables and IAM policies come to once deployed, with the
 * local names and ARNs in place of the ones CloudFormation would make.
 */
export type Intrinsic = unknown;

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Parameters?: Record<string, { Type: string; Default?: string }>;
}

export interface Deployment {
  partition: string;
  region: string;
  accountId: string;
  /** SSM parameters by name (what `AWS::SSM::Parameter::Value<String>` parameters resolve to). */
  ssm: Record<string, string>;
  /** Physical values chosen for resources, by logical id and attribute (`Ref` for the Ref value). */
  physical?: Record<string, Record<string, string>>;
}

/** The value CloudFormation would give `Ref` / `Fn::GetAtt` of a resource, by its type. */
function resourceValue(template: CfnTemplate, deployment: Deployment, logicalId: string, attribute: string): string {
  const chosen = deployment.physical?.[logicalId]?.[attribute];
  if (chosen !== undefined) return chosen;
  const resource = template.Resources[logicalId];
  if (!resource) throw new Error(`the template has no resource ${logicalId}`);
  const { partition, region, accountId } = deployment;
  const props = resource.Properties ?? {};
  const named = (key: string) => (typeof props[key] === 'string' ? (props[key] as string) : logicalId);
  const arn = (service: string, resourcePart: string, inRegion = true) =>
    `arn:${partition}:${service}:${inRegion ? region : ''}:${accountId}:${resourcePart}`;
  switch (resource.Type) {
    case 'AWS::Events::EventBus':
      return attribute === 'Ref' || attribute === 'Name' ? named('Name') : arn('events', `event-bus/${named('Name')}`);
    case 'AWS::SecretsManager::Secret':
      // Ref of a secret is its ARN, which ends in six random characters.
      return arn('secretsmanager', `secret:${named('Name')}-AbCdEf`);
    case 'AWS::SQS::Queue':
      return attribute === 'Ref'
        ? `https://sqs.${region}.amazonaws.com/${accountId}/${named('QueueName')}`
        : arn('sqs', named('QueueName'));
    case 'AWS::Logs::LogGroup':
      return attribute === 'Ref' ? named('LogGroupName') : arn('logs', `log-group:${named('LogGroupName')}:*`);
    case 'AWS::Lambda::Function':
      return attribute === 'Ref' ? named('FunctionName') : arn('lambda', `function:${named('FunctionName')}`);
    case 'AWS::IAM::Role':
      return attribute === 'Ref' ? named('RoleName') : arn('iam', `role/${named('RoleName')}`, false);
    default:
      if (attribute === 'Ref') return logicalId;
      throw new Error(`no stand-in value for Fn::GetAtt ${logicalId}.${attribute} (${resource.Type})`);
  }
}

export function resolve(template: CfnTemplate, deployment: Deployment, value: Intrinsic): unknown {
  const again = (inner: Intrinsic) => resolve(template, deployment, inner);
  if (Array.isArray(value)) return value.map(again);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  if (entries.length !== 1 || !(entries[0]![0] === 'Ref' || entries[0]![0].startsWith('Fn::'))) {
    return Object.fromEntries(entries.map(([key, inner]) => [key, again(inner)]));
  }
  const [name, argument] = entries[0]!;
  switch (name) {
    case 'Ref':
      return refOf(template, deployment, argument as string);
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = Array.isArray(argument) ? (argument as string[]) : String(argument).split('.');
      return resourceValue(template, deployment, logicalId!, attribute!);
    }
    case 'Fn::Join': {
      const [separator, parts] = argument as [string, Intrinsic[]];
      return (again(parts) as unknown[]).map(String).join(separator);
    }
    case 'Fn::Select': {
      const [index, list] = argument as [Intrinsic, Intrinsic];
      return (again(list) as unknown[])[Number(again(index))];
    }
    case 'Fn::Split': {
      const [separator, text] = argument as [string, Intrinsic];
      return String(again(text)).split(separator);
    }
    case 'Fn::Sub': {
      const [text, variables = {}] = Array.isArray(argument) ? (argument as [string, Record<string, Intrinsic>]) : [argument as string];
      return text.replace(/\$\{([^}]+)\}/g, (_, reference: string) => {
        if (reference in variables) return String(again(variables[reference]));
        const [logicalId, attribute] = reference.split('.');
        return String(attribute ? resourceValue(template, deployment, logicalId!, attribute) : refOf(template, deployment, logicalId!));
      });
    }
    default:
      throw new Error(`the stand-in deployment cannot evaluate ${name}`);
  }
}

function refOf(template: CfnTemplate, deployment: Deployment, name: string): string {
  switch (name) {
    case 'AWS::Partition':
      return deployment.partition;
    case 'AWS::Region':
      return deployment.region;
    case 'AWS::AccountId':
      return deployment.accountId;
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::NoValue':
      return '';
  }
  const parameter = template.Parameters?.[name];
  if (parameter) {
    if (parameter.Type.startsWith('AWS::SSM::Parameter::Value') && parameter.Default !== undefined) {
      const value = deployment.ssm[parameter.Default];
      if (value === undefined) throw new Error(`the stand-in deployment has no SSM parameter ${parameter.Default}`);
      return value;
    }
    if (parameter.Default !== undefined) return parameter.Default;
    throw new Error(`the template parameter ${name} has no value`);
  }
  return resourceValue(template, deployment, name, 'Ref');
}
