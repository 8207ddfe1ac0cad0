import assert from 'node:assert/strict';
import { it } from 'node:test';

it('runs on Node.js 24, the Lambda runtime (npm ci without scripts would silently use the system Node)', () => {
  assert.match(process.version, /^v24\./);
});
