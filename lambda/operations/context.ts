import { setTimeout as sleep } from 'node:timers/promises';
import { ResourceInUseException, ResourceNotFoundException, type ServiceError } from '#domain/errors.ts';
import { normalizeInstanceId, parseViewId, requireUnqualified, type Deployment, type ViewRef } from '#domain/identifiers.ts';
import type { RequestPageTokens } from './page-tokens.ts';
import { ConcurrentModification } from '#store/errors.ts';
import type { ViewStore } from '#store/view-store.ts';

/** What every operation gets besides its validated input. */
export interface ServiceContext {
  store: ViewStore;
  deployment: Deployment;
  /** NextTokens of this request: opened (with a fresh read of the keys if need be) and issued. */
  tokens: RequestPageTokens;
  /** Epoch milliseconds: the store's clock, so that what operations and the store write agree. */
  now: () => number;
  /** Epoch milliseconds by which long work (purging a deleted view) must stop. */
  deadline: number;
  /** Counts a business event in the service's metrics. */
  observe: (event: 'VersionsPublished' | 'StaleShaRejections') => void;
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

/**
 * How long a request keeps retrying lost races before telling the caller to retry: enough for
 * dozens of writers on one view, well inside API Gateway's 29 s.
 */
export const RETRY_BUDGET_MS = 5000;
export const MAX_ATTEMPTS = 60;

/**
 * Runs read → decide → conditional write again when the write lost a race (a field the write
 * depends on changed, or DynamoDB reported a transaction conflict). Decisions that fail for the
 * caller's own reasons (a stale ViewContentSha256, a duplicate name) are errors thrown from
 * `attempt` and are never retried.
 */
export async function retryOnConflict<T>(attempt: () => Promise<T>, random: () => number = Math.random): Promise<T> {
  const started = Date.now();
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConcurrentModification)) throw error;
      if (tries >= MAX_ATTEMPTS || Date.now() - started > RETRY_BUDGET_MS) {
        throw new ResourceInUseException('The view is being modified concurrently by other requests; retry the request.');
      }
      // Full jitter on a capped exponential backoff spreads racing writers apart.
      await sleep(random() * Math.min(100, 5 * 2 ** tries));
    }
  }
}
