import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { dynamoDbAccess, type Where } from './dynamodb.ts';
import { accessDeniedMessage, type Access, type Permissions } from './policy.ts';

/**
 * Puts IAM in front of a DynamoDB client, as AWS does for a function's calls: every request (each
 * item of a transaction or batch by its own action) is checked against what the role allows, and
 * one that is not allowed fails with the AccessDeniedException DynamoDB returns, before it reaches
 * the database. The check runs once the request is serialized, on the operation it is sent as.
 */
export interface Guard {
  permissions: Permissions;
  /** How AWS names the caller in the refusal (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/FUNCTION`). */
  principal: string;
  where: Where;
  /** Told of every access the client made (allowed or not): a rehearsal compares them with the grants. */
  record?: (access: Access, allowed: boolean) => void;
}

interface Serialized {
  /** The request's members, as the wire body carries them. */
  input?: Record<string, unknown>;
  request?: { headers?: Record<string, string> };
}

export function denial(guard: Guard, operation: string, body: Record<string, unknown>): Access | undefined {
  let denied: Access | undefined;
  for (const access of dynamoDbAccess(operation, body, guard.where)) {
    const allowed = guard.permissions.allows(access);
    guard.record?.(access, allowed);
    denied ??= allowed ? undefined : access;
  }
  return denied;
}

/** The part of an AWS SDK client the guard needs. */
interface WithMiddleware {
  middlewareStack: { add(middleware: never, options: { step: 'build'; name: string; override: boolean }): void };
}

type Next = (args: unknown) => Promise<unknown>;

export function guardDynamoDb(client: WithMiddleware, guard: Guard): void {
  const middleware = (next: Next) => async (args: unknown) => {
    const { input, request } = args as Serialized;
    const target = request?.headers?.['x-amz-target'];
    if (target && input) {
      const denied = denial(guard, target.slice(target.indexOf('.') + 1), input);
      if (denied) {
        throw new DynamoDBServiceException({
          name: 'AccessDeniedException',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
          message: accessDeniedMessage(guard.principal, denied),
        });
      }
    }
    return next(args);
  };
  client.middlewareStack.add(middleware as never, { step: 'build', name: 'iamGuard', override: true });
}
