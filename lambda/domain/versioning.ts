import { InvalidRequestException, ResourceInUseException, ServiceQuotaExceededException } from './errors.ts';
import { MAX_VERSION } from './identifiers.ts';
import type { ContentRef, VersionRecord, ViewHead } from './view.ts';

export type PublishDecision = { kind: 'unchanged'; version: VersionRecord } | { kind: 'mint'; version: number; latest: ContentRef };

/**
 * The CreateViewVersion rules, decided on one consistent read of the head:
 * - nothing published yet: InvalidRequestException;
 * - a supplied ViewContentSha256 that is not the `$LATEST` sha: ResourceInUseException (stale);
 * - `$LATEST` equal to the highest existing version: that version, nothing written;
 * - otherwise the next number after every number ever minted.
 */
export function decidePublish(head: ViewHead, expectedSha256: string | undefined, resourceArn: string): PublishDecision {
  const latest = head.latest;
  if (!latest) {
    throw new InvalidRequestException(
      `View ${head.viewId} has no published content ($LATEST) to version; call UpdateViewContent with Status PUBLISHED first.`,
    );
  }
  if (expectedSha256 !== undefined && expectedSha256.toLowerCase() !== latest.sha256) {
    throw new ResourceInUseException(
      `ViewContentSha256 ${expectedSha256} does not match the $LATEST content of view ${head.viewId} ` +
        `(${latest.sha256}): it changed since you read it.`,
      { ResourceId: resourceArn },
    );
  }
  if (head.highest && head.highest.content.sha256 === latest.sha256) {
    return { kind: 'unchanged', version: head.highest };
  }
  if (head.versionCounter >= MAX_VERSION) {
    throw new ServiceQuotaExceededException(`View ${head.viewId} has used every version number up to ${MAX_VERSION}.`);
  }
  return { kind: 'mint', version: head.versionCounter + 1, latest };
}
