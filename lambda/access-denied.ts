/**
 * AWS refused one of the function's own calls: its role lacks a permission. That is a defect of the
 * deployment, never the caller's doing, so it is logged apart from other failures, with the action
 * and resource AWS named, for the runbook (docs/operations.md#missing-permission) to point at the
 * missing grant. The caller still gets the 500 any fault of the service gets.
 */
export const MISSING_PERMISSION = 'MissingPermission';

export interface MissingPermission {
  errorCode: typeof MISSING_PERMISSION;
  /** e.g. `dynamodb:ConditionCheckItem`. */
  action?: string;
  resource?: string;
  service?: string;
}

const DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'AuthorizationErrorException']);

/** The AccessDenied in an error or its causes, as the log fields that name what was refused. */
export function missingPermission(error: unknown): MissingPermission | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const { name, message, cause } = current as { name?: string; message?: string; cause?: unknown };
    if (name && DENIED.has(name)) {
      const named = /not authorized to perform: (\S+) on resource: (\S+)/.exec(message ?? '');
      return {
        errorCode: MISSING_PERMISSION,
        ...(named ? { action: named[1]!, resource: named[2]!, service: named[1]!.split(':')[0]! } : {}),
      };
    }
    current = cause;
  }
  return undefined;
}
