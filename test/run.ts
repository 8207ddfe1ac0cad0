import { spawn } from 'node:child_process';
import { startDynamoDbLocal } from '../bin/local/dynamodb-local.ts';

/**
 * `npm test`: starts DynamoDB Local once (in memory), runs every test file with Node's test runner
 * against it, and stops it again, so the suite needs nothing running beforehand.
 * Arguments select test files (default: all of them).
 */
const patterns = process.argv.slice(2);
const files = patterns.length > 0 ? patterns : ['test/**/*.test.ts'];

const started = Date.now();
const dynamo = await startDynamoDbLocal();
console.log(`DynamoDB Local ready at ${dynamo.endpoint} in ${Date.now() - started} ms`);

const code = await new Promise<number>((resolve) => {
  const child = spawn(process.execPath, ['--test', '--test-concurrency=2', ...files], {
    stdio: 'inherit',
    env: { ...process.env, DYNAMODB_ENDPOINT: dynamo.endpoint, POWERTOOLS_LOG_LEVEL: process.env['POWERTOOLS_LOG_LEVEL'] ?? 'SILENT' },
  });
  child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
});
await dynamo.stop();
process.exit(code);
