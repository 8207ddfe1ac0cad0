import { resolve, type CfnTemplate, type Deployment, type Intrinsic } from './intrinsics.ts';
import { Permissions, type Statement } from './policy.ts';

/**
 * A Lambda function of a synthesized template: how Lambda would run it (handler, environment,
 * tracing, the event sources that invoke it) and what its execution role may do.
 */
export interface TemplateFunction {
  logicalId: string;
  handler: string;
  runtime: string;
  timeoutSeconds: number;
  environment: Record<string, Intrinsic>;
  tracing: 'Active' | 'PassThrough' | undefined;
  logGroup: Intrinsic | undefined;
  roleId: string;
  /** Statements of the policies attached to the role (inline, AWS::IAM::Policy and managed), unresolved. */
  statements: Statement[];
  eventSources: EventSource[];
}

export interface EventSource {
  logicalId: string;
  source: Intrinsic;
  batchSize: number;
  maximumRetryAttempts: number;
  /** Lambda's filter patterns (JSON text), any of which admits a record. */
  filters: string[];
  onFailure: Intrinsic | undefined;
  reportBatchItemFailures: boolean;
}

/**
 * AWS managed policies as they stand (only the one a Lambda role commonly carries): a managed
 * policy the evaluator does not know grants nothing here, so it can only make a test stricter.
 */
const MANAGED: Record<string, Statement[]> = {
  'service-role/AWSLambdaBasicExecutionRole': [
    { Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' },
  ],
};

const refId = (value: Intrinsic): string | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  return v.Ref ?? v['Fn::GetAtt']?.[0];
};

function statementsOf(document: unknown): Statement[] {
  const statements = (document as { Statement?: Statement | Statement[] } | undefined)?.Statement;
  return statements === undefined ? [] : Array.isArray(statements) ? statements : [statements];
}

export function functionsOf(template: CfnTemplate): TemplateFunction[] {
  const resources = Object.entries(template.Resources);
  return resources
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
    .map(([logicalId, resource]) => {
      const props = resource.Properties ?? {};
      const roleId = refId(props['Role']);
      if (!roleId) throw new Error(`function ${logicalId} has no role of this template`);
      const role = template.Resources[roleId]?.Properties ?? {};
      const statements = [
        ...((role['Policies'] as { PolicyDocument: unknown }[] | undefined) ?? []).flatMap((policy) => statementsOf(policy.PolicyDocument)),
        ...resources
          .filter(
            ([, r]) =>
              r.Type === 'AWS::IAM::Policy' &&
              ((r.Properties?.['Roles'] as Intrinsic[] | undefined) ?? []).some((ref) => refId(ref) === roleId),
          )
          .flatMap(([, r]) => statementsOf(r.Properties?.['PolicyDocument'])),
        ...((role['ManagedPolicyArns'] as Intrinsic[] | undefined) ?? []).flatMap((arn) => {
          const name = Object.keys(MANAGED).find((known) => JSON.stringify(arn).includes(`:iam::aws:policy/${known}`));
          return name ? MANAGED[name]! : [];
        }),
      ];
      const eventSources = resources
        .filter(([, r]) => r.Type === 'AWS::Lambda::EventSourceMapping' && refId(r.Properties?.['FunctionName']) === logicalId)
        .map(([id, r]) => {
          const p = r.Properties ?? {};
          return {
            logicalId: id,
            source: p['EventSourceArn'],
            batchSize: Number(p['BatchSize'] ?? 100),
            maximumRetryAttempts: Number(p['MaximumRetryAttempts'] ?? -1),
            filters: ((p['FilterCriteria'] as { Filters?: { Pattern: string }[] } | undefined)?.Filters ?? []).map((f) => f.Pattern),
            onFailure: (p['DestinationConfig'] as { OnFailure?: { Destination: Intrinsic } } | undefined)?.OnFailure?.Destination,
            reportBatchItemFailures: ((p['FunctionResponseTypes'] as string[] | undefined) ?? []).includes('ReportBatchItemFailures'),
          };
        });
      return {
        logicalId,
        handler: String(props['Handler']),
        runtime: String(props['Runtime']),
        timeoutSeconds: Number(props['Timeout'] ?? 3),
        environment: ((props['Environment'] as { Variables?: Record<string, Intrinsic> } | undefined)?.Variables ?? {}) as Record<
          string,
          Intrinsic
        >,
        tracing: (props['TracingConfig'] as { Mode?: 'Active' | 'PassThrough' } | undefined)?.Mode,
        logGroup: (props['LoggingConfig'] as { LogGroup?: Intrinsic } | undefined)?.LogGroup,
        roleId,
        statements,
        eventSources,
      };
    });
}

/** The one function whose logical id begins with `prefix` (CDK derives it from the construct path). */
export function functionNamed(template: CfnTemplate, prefix: string): TemplateFunction {
  const found = functionsOf(template).filter(
    (fn) => fn.logicalId.startsWith(prefix) && /^[0-9A-F]{8}$/.test(fn.logicalId.slice(prefix.length)),
  );
  if (found.length !== 1) throw new Error(`expected one function ${prefix}… in the template, found ${found.length}`);
  return found[0]!;
}

/** What a function's role allows once deployed (its statements with the deployment's names and ARNs). */
export function permissionsOf(template: CfnTemplate, fn: TemplateFunction, deployment: Deployment): Permissions {
  return new Permissions(resolve(template, deployment, fn.statements) as Statement[]);
}
