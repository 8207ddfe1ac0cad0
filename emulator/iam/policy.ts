/**
 * Identity-based IAM policies as AWS evaluates them for one role: a request is allowed when an
 * Allow statement matches its action and resource and no Deny statement does. Action names match
 * case-insensitively, resources case-sensitively, `*` and `?` as wildcards in both. Statements with
 * NotAction, NotResource or a Condition are beyond this evaluator: an Allow of that kind grants
 * nothing here and a Deny of that kind denies everything, so a policy it cannot read never
 * passes for one that allows.
 */
export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  Resource?: string | string[];
  NotAction?: unknown;
  NotResource?: unknown;
  Condition?: unknown;
}

/** One use of a permission: an IAM action on one resource ARN. */
export interface Access {
  action: string;
  resource: string;
}

const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function wildcard(pattern: string, flags = ''): RegExp {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, `s${flags}`);
}

interface CompiledStatement {
  effect: 'Allow' | 'Deny';
  actions: RegExp[];
  resources: RegExp[];
  readable: boolean;
  source: Statement;
}

export class Permissions {
  readonly statements: readonly Statement[];
  readonly #compiled: CompiledStatement[];

  constructor(statements: Statement[]) {
    this.statements = statements;
    this.#compiled = statements.map((statement) => ({
      effect: statement.Effect,
      actions: list(statement.Action).map((action) => wildcard(action, 'i')),
      resources: list(statement.Resource).map((resource) => wildcard(resource)),
      readable: statement.NotAction === undefined && statement.NotResource === undefined && statement.Condition === undefined,
      source: statement,
    }));
  }

  #matches(statement: CompiledStatement, access: Access): boolean {
    return statement.actions.some((a) => a.test(access.action)) && statement.resources.some((r) => r.test(access.resource));
  }

  allows(access: Access): boolean {
    let allowed = false;
    for (const statement of this.#compiled) {
      if (statement.effect === 'Deny' && (!statement.readable || this.#matches(statement, access))) return false;
      if (statement.effect === 'Allow' && statement.readable && this.#matches(statement, access)) allowed = true;
    }
    return allowed;
  }

  /** Every (action pattern, resource pattern) an Allow statement grants, as written. */
  granted(): Access[] {
    return this.statements
      .filter((statement) => statement.Effect === 'Allow')
      .flatMap((statement) =>
        list(statement.Action).flatMap((action) => list(statement.Resource).map((resource) => ({ action, resource }))),
      );
  }

  /** The same permissions without one granted action (on every resource). */
  without(action: string): Permissions {
    return new Permissions(
      this.statements.flatMap((statement) => {
        if (statement.Effect !== 'Allow') return [statement];
        const actions = list(statement.Action).filter((a) => a.toLowerCase() !== action.toLowerCase());
        return actions.length === 0 ? [] : [{ ...statement, Action: actions }];
      }),
    );
  }
}

/** What AWS answers when a role may not do something, word for word (the principal is the function's session). */
export function accessDeniedMessage(principal: string, access: Access): string {
  return (
    `User: ${principal} is not authorized to perform: ${access.action} on resource: ${access.resource} because no ` +
    `identity-based policy allows the ${access.action} action`
  );
}
