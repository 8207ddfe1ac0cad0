import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startDynamoDbLocal, type DynamoDbLocal } from '../emulator/dynamodb-local/launcher.ts';

/**
 * `npm test` and its tiers: runs test files with Node's test runner, starting what they need first
 * and stopping it after.
 *
 * - `unit` (test/unit): no JVM, no network, seconds — what to run while working;
 * - `integration` (test/integration): the local gateway and handler on DynamoDB Local, driven by
 *   the official clients;
 * - `e2e` (test/e2e): whole processes — `npm start`, the installed package (it needs the npm
 *   registry or a warm cache), `cdk synth` with cdk-nag and cfn-lint, the deploy rehearsal.
 *
 * `node test/run.ts [--tier T]… [FILE…]`: the tiers named (default all), or just the files named.
 * DynamoDB Local starts only when a chosen file is beyond the unit tier. It slows every write down
 * by each table with a stream it has ever held (measured here: 1,000 puts take 0.8 s beside one
 * such table and 11.7 s beside forty), and every test file makes such a table, so the files share
 * out over a few instances (DYNAMODB_LOCAL_INSTANCES, default 4: three shared, one for heavy writers;
 * see dynamoEndpoint()).
 */
const TIERS = ['unit', 'integration', 'e2e'] as const;
type Tier = (typeof TIERS)[number];

const { values, positionals } = parseArgs({ options: { tier: { type: 'string', multiple: true } }, allowPositionals: true });
const tiers = (values.tier ?? []) as Tier[];
const unknown = tiers.filter((tier) => !TIERS.includes(tier));
if (unknown.length > 0) {
  console.error(`unknown tier ${unknown.join(', ')}: choose from ${TIERS.join(', ')}`);
  process.exit(2);
}
const files = positionals.length > 0 ? positionals : (tiers.length > 0 ? tiers : TIERS).map((tier) => `test/${tier}/**/*.test.ts`);
const needsDynamoDb = files.some((file) => !file.startsWith('test/unit/'));
/** A test that runs longer than this fails, so that a hung child process cannot hang the run. */
const TEST_TIMEOUT_MS = 10 * 60 * 1000;

const started = Date.now();
const scratch = mkdtempSync(join(tmpdir(), 'views-test-run-'));
const env: Record<string, string | undefined> = { ...process.env, POWERTOOLS_LOG_LEVEL: process.env['POWERTOOLS_LOG_LEVEL'] ?? 'SILENT' };
let dynamos: DynamoDbLocal[] = [];
if (needsDynamoDb) {
  // Three shared, and one kept for the files that write thousands of items (test/support/service.ts).
  const instances = Math.max(1, Number(process.env['DYNAMODB_LOCAL_INSTANCES'] ?? 4));
  // The API stack's template, synthesized once while the JVMs start: every local stack the tests run
  // enforces its functions' IAM roles (test/support/iam-template.ts).
  const templateFile = join(scratch, 'api.template.json');
  const template = import('../lib/templates.ts').then(({ synthesizeApiTemplate }) =>
    writeFileSync(templateFile, JSON.stringify(synthesizeApiTemplate())),
  );
  dynamos = await Promise.all(Array.from({ length: instances }, () => startDynamoDbLocal()));
  await template;
  const endpoints = dynamos.map((dynamo) => dynamo.endpoint);
  Object.assign(env, { DYNAMODB_ENDPOINTS: endpoints.join(','), DYNAMODB_ENDPOINT: endpoints[0], VIEWS_API_TEMPLATE: templateFile });
  console.log(`DynamoDB Local ready at ${endpoints.join(', ')} in ${Date.now() - started} ms`);
}

const reporter = new URL('./support/file-times.ts', import.meta.url).pathname;
const code = await new Promise<number>((resolve) => {
  const child = spawn(
    process.execPath,
    [
      '--test',
      '--test-concurrency=2',
      `--test-timeout=${TEST_TIMEOUT_MS}`,
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      `--test-reporter=${reporter}`,
      '--test-reporter-destination=stdout',
      ...files,
    ],
    { stdio: 'inherit', env },
  );
  child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
});
await Promise.all(dynamos.map((dynamo) => dynamo.stop()));
rmSync(scratch, { recursive: true, force: true });
console.log(`ℹ npm test took ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
process.exit(code);
