import { setTimeout as sleep } from 'node:timers/promises';
import { ResourceInUseException, ResourceNotFoundException, type ServiceError } from '#domain/errors.ts';
import { normalizeInstanceId, parseViewId, requireUnqualified, type Deployment, type ViewRef } from '#domain/identifiers.ts';
import type { PageTokens } from '#domain/pagination.ts';
import { ConcurrentModification } from '#store/errors.ts';
import type { ViewStore } from '#store/view-store.ts';

/** What every operation gets besides its validated input. */
export interface ServiceContext {
  store: ViewStore;
  deployment: Deployment;
  tokens: PageTokens;
  /** Epoch milliseconds. */
  now: () => number;
  /** Epoch milliseconds by which long work (purging a deleted view) must stop. */
  deadline: number;
}

export type OperationHandler = (input: Record<string, unknown>, context: ServiceContext) => Promise<object>;

export function instanceIdOf(input: { InstanceId: string }, context: ServiceContext): string {
  return normalizeInstanceId(input.InstanceId, context.deployment);
}

/** The view an operation acts on; only DescribeView accepts a qualifier. */
export function viewRefOf(input: { InstanceId: string; ViewId: string }, context: ServiceContext, qualified = false): ViewRef {
  const ref = parseViewId(input.ViewId, instanceIdOf(input, context), context.deployment);
  return qualified ? ref : requireUnqualified(ref);
}

export function viewNotFound(ref: { instanceId: string; viewId: string }): ServiceError {
  return new ResourceNotFoundException(`View ${ref.viewId} does not exist in instance ${ref.instanceId}.`);
}

/** Enough for dozens of writers racing on one view; beyond it the caller is told to retry. */
export const MAX_ATTEMPTS = 12;

/**
 * Runs read → decide → conditional write again when the write lost a race (the head's revision
 * moved, or DynamoDB reported a transaction conflict). Decisions that fail for the caller's own
 * reasons (a stale ViewContentSha256, a duplicate name) are errors thrown from `attempt` and are
 * never retried.
 */
export async function retryOnConflict<T>(attempt: () => Promise<T>, random: () => number = Math.random): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConcurrentModification)) throw error;
      if (tries >= MAX_ATTEMPTS) {
        throw new ResourceInUseException('The view is being modified concurrently by other requests; retry the request.');
      }
      // Full jitter on a capped exponential backoff spreads racing writers apart.
      await sleep(random() * Math.min(200, 5 * 2 ** tries));
    }
  }
}
