import { readFileSync } from 'node:fs';
import type { CfnTemplate } from '../../emulator/iam/intrinsics.ts';
import { functionNamed } from '../../emulator/iam/template.ts';

/**
 * The API stack's template, whose roles the local stack of every integration test enforces: written
 * once per `npm test` run (VIEWS_API_TEMPLATE, see test/run.ts), or synthesized here when a file
 * runs on its own.
 */
let template: Promise<CfnTemplate> | undefined;

export function serviceTemplate(): Promise<CfnTemplate> {
  template ??= (async () => {
    const file = process.env['VIEWS_API_TEMPLATE'];
    if (file) return JSON.parse(readFileSync(file, 'utf8')) as CfnTemplate;
    const { synthesizeApiTemplate } = await import('../../lib/templates.ts');
    return synthesizeApiTemplate();
  })();
  return template;
}

/** The template with one action taken out of every statement the function's role has. */
export function withoutAction(template: CfnTemplate, functionPrefix: string, action: string): CfnTemplate {
  const copy = structuredClone(template);
  const roleId = functionNamed(copy, functionPrefix).roleId;
  for (const resource of Object.values(copy.Resources)) {
    const roles = (resource.Properties?.['Roles'] as { Ref?: string }[] | undefined) ?? [];
    if (resource.Type !== 'AWS::IAM::Policy' || !roles.some((role) => role.Ref === roleId)) continue;
    const document = resource.Properties!['PolicyDocument'] as { Statement: { Action: string | string[] }[] };
    document.Statement = document.Statement.flatMap((statement) => {
      const actions = [statement.Action].flat().filter((a) => a !== action);
      return actions.length ? [{ ...statement, Action: actions }] : [];
    });
  }
  return copy;
}

/** The DynamoDB actions the template grants a function's role. */
export function grantedDynamoDbActions(template: CfnTemplate, functionPrefix: string): string[] {
  const fn = functionNamed(template, functionPrefix);
  return [...new Set(fn.statements.filter((s) => s.Effect === 'Allow').flatMap((s) => [s.Action ?? []].flat()))]
    .filter((a) => a.startsWith('dynamodb:'))
    .sort();
}
