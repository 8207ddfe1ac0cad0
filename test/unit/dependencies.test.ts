import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

/**
 * The AWS SDK clients this project uses are released one by one (the registry's client-connect
 * trails client-dynamodb), but they must share one core: two copies of @aws-sdk/core or
 * @smithy/core would mean two middleware stacks, two credential chains and twice the bundle.
 */
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { version?: string }> };

function versionsOf(name: string): string[] {
  return [
    ...new Set(
      Object.entries(lock.packages)
        .filter(([path]) => path.endsWith(`node_modules/${name}`))
        .map(([, entry]) => entry.version!),
    ),
  ];
}

describe('dependencies', () => {
  it('every AWS SDK client shares one @aws-sdk/core and one @smithy/core', () => {
    assert.equal(versionsOf('@aws-sdk/core').length, 1, `@aws-sdk/core ${versionsOf('@aws-sdk/core').join(', ')}`);
    assert.equal(versionsOf('@smithy/core').length, 1, `@smithy/core ${versionsOf('@smithy/core').join(', ')}`);
  });
});
