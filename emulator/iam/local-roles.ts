import { FUNCTION_IDS, type ServiceFunctionName } from '../../lib/function-ids.ts';
import type { CfnTemplate, Deployment } from './intrinsics.ts';
import type { Guard } from './sdk-guard.ts';
import { functionNamed, permissionsOf } from './template.ts';

/**
 * The roles of the service's functions, as the synthesized API stack grants them, applied to a
 * local table: what the local stack enforces on the calls each function makes.
 */
export interface LocalTable {
  region: string;
  accountId: string;
  tableName: string;
  /** The table's stream ARN (DynamoDB Local's), where it matters. */
  streamArn?: string;
}

/** The template's SSM parameters that name the table, by what they hold (`/PREFIX/table/arn`…). */
export function tableParameters(template: CfnTemplate, table: LocalTable, partition = 'aws'): Deployment['ssm'] {
  const arn = `arn:${partition}:dynamodb:${table.region}:${table.accountId}:table/${table.tableName}`;
  const values: Record<string, string> = { name: table.tableName, arn, 'stream-arn': table.streamArn ?? `${arn}/stream/*` };
  const ssm: Record<string, string> = {};
  for (const parameter of Object.values(template.Parameters ?? {})) {
    const what = parameter.Default ? /\/table\/(name|arn|stream-arn)$/.exec(parameter.Default)?.[1] : undefined;
    if (what) ssm[parameter.Default!] = values[what]!;
  }
  return ssm;
}

export function localDeployment(template: CfnTemplate, table: LocalTable): Deployment {
  return { partition: 'aws', region: table.region, accountId: table.accountId, ssm: tableParameters(template, table) };
}

export function localGuard(template: CfnTemplate, name: ServiceFunctionName, table: LocalTable): Guard {
  const fn = functionNamed(template, FUNCTION_IDS[name]);
  const deployment = localDeployment(template, table);
  return {
    permissions: permissionsOf(template, fn, deployment),
    principal: `arn:aws:sts::${table.accountId}:assumed-role/${fn.roleId}/${fn.logicalId}`,
    where: { partition: deployment.partition, region: table.region, accountId: table.accountId },
  };
}
