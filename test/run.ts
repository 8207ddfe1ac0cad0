import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamoDbLocal } from '../bin/local/dynamodb-local.ts';

/**
 * `npm test`: starts DynamoDB Local (in memory), runs every test file with Node's test runner
 * against it, and stops it again, so the suite needs nothing running beforehand.
 * Arguments select test files (default: all of them).
 *
 * DynamoDB Local slows every write down by each table with a stream it has ever held (measured here:
 * 1,000 puts take 0.8 s beside one such table and 11.7 s beside forty, deleted tables included), and
 * every test file makes such a table. So the files are shared out over a few instances
 * (DYNAMODB_LOCAL_INSTANCES, default 3): each file talks to one of them (see dynamoEndpoint()).
 */
const patterns = process.argv.slice(2);
const files = patterns.length > 0 ? patterns : ['test/**/*.test.ts'];
const instances = Math.max(1, Number(process.env['DYNAMODB_LOCAL_INSTANCES'] ?? 3));

const started = Date.now();
// The API stack's template, synthesized once while the JVMs start: every local stack the tests run
// enforces its functions' IAM roles (test/support/iam-template.ts).
const scratch = mkdtempSync(join(tmpdir(), 'views-test-run-'));
const templateFile = join(scratch, 'api.template.json');
const template = import('../lib/templates.ts').then(({ synthesizeApiTemplate }) => writeFileSync(templateFile, JSON.stringify(synthesizeApiTemplate())));
const dynamos = await Promise.all(Array.from({ length: instances }, () => startDynamoDbLocal()));
await template;
const endpoints = dynamos.map((dynamo) => dynamo.endpoint);
console.log(`DynamoDB Local ready at ${endpoints.join(', ')} in ${Date.now() - started} ms`);

const code = await new Promise<number>((resolve) => {
  const child = spawn(process.execPath, ['--test', '--test-concurrency=2', ...files], {
    stdio: 'inherit',
    env: {
      ...process.env,
      DYNAMODB_ENDPOINTS: endpoints.join(','),
      DYNAMODB_ENDPOINT: endpoints[0],
      VIEWS_API_TEMPLATE: templateFile,
      POWERTOOLS_LOG_LEVEL: process.env['POWERTOOLS_LOG_LEVEL'] ?? 'SILENT',
    },
  });
  child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
});
await Promise.all(dynamos.map((dynamo) => dynamo.stop()));
rmSync(scratch, { recursive: true, force: true });
process.exit(code);
