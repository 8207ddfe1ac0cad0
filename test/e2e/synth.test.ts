import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { API_TYPES } from '../../emulator/gateway/api-types.ts';
import { NO_ALARM_DESTINATION_MESSAGE } from '../../lib/settings.ts';
import { ALARM_EMAIL, synthesizeService } from '../support/cdk-app.ts';
import { itWithTools } from '../support/tools.ts';

const run = promisify(execFile);
const outdir = mkdtempSync(join(tmpdir(), 'views-cdk-out-'));
let synth: { code: number | null; output: string; seconds: number };

before(() => {
  // `npx cdk synth` exactly as a user runs it: offline, with cdk-nag's AwsSolutions checks and the
  // Lambda bundled by the local esbuild.
  const started = Date.now();
  const result = spawnSync('npx', ['cdk', 'synth', '-q', '-o', outdir, '-c', `alarmEmail=${ALARM_EMAIL}`], {
    encoding: 'utf8',
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' },
  });
  synth = { code: result.status, output: `${result.stdout}${result.stderr}`, seconds: (Date.now() - started) / 1000 };
});
after(() => rmSync(outdir, { recursive: true, force: true }));

function acknowledgements(scope: IConstruct): { id: string; reason: string }[] {
  const found: { id: string; reason: string }[] = [];
  const visit = (node: IConstruct) => {
    for (const entry of node.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) found.push({ id, reason });
      }
    }
    node.node.children.forEach(visit);
  };
  visit(scope);
  return found;
}

describe('synthesis', () => {
  it('`npx cdk synth` succeeds offline, with zero unacknowledged cdk-nag findings', () => {
    assert.equal(synth.code, 0, synth.output);
    assert.doesNotMatch(synth.output, /AwsSolutions-/, 'no cdk-nag finding is reported');
    console.log(`# cdk synth took ${synth.seconds.toFixed(1)} s`);
  });

  it('`npx cdk synth` without an alarm destination is refused with one message naming the settings', () => {
    const refused = spawnSync('npx', ['cdk', 'synth', '-q', '-o', join(outdir, 'refused')], {
      encoding: 'utf8',
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' },
    });
    assert.notEqual(refused.status, 0);
    const output = `${refused.stdout}${refused.stderr}`;
    assert.ok(output.includes(NO_ALARM_DESTINATION_MESSAGE), output);
    assert.doesNotMatch(output, /\n\s+at /, 'no stack trace around it');
  });

  for (const apiType of API_TYPES) {
    it(`cdk-nag finds nothing unacknowledged in the ${apiType.toUpperCase()} flavour, and every acknowledgement says why`, () => {
      const { app, data, api } = synthesizeService({ apiType });
      for (const stack of [data, api]) {
        const report = new AwsSolutionsChecks(app).validateScope(stack);
        assert.deepEqual(
          report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(',')}`),
          [],
          stack.stackName,
        );
      }
      const acknowledged = acknowledgements(app).filter((a) => a.id.includes('AwsSolutions'));
      assert.ok(acknowledged.length > 0);
      for (const { id, reason } of acknowledged) assert.ok(reason.length >= 60, `${id} has a reason a reviewer can judge`);
    });
  }

  itWithTools('cfn-lint reports no error in any synthesized template, of either API flavour', ['cfn-lint'], async () => {
    // The HTTP API flavour's templates as `cdk synth -c apiType=http` writes them (its bundles are
    // the REST flavour's, checked below).
    const httpOutdir = join(outdir, 'http');
    synthesizeService({ apiType: 'http' }, { outdir: httpOutdir }).app.synth();
    const templates = [outdir, httpOutdir].flatMap((dir) =>
      readdirSync(dir)
        .filter((name) => name.endsWith('.template.json'))
        .map((name) => join(dir, name)),
    );
    assert.equal(templates.length, 4);
    let code = 0;
    let output = '';
    try {
      ({ stdout: output } = await run('cfn-lint', templates));
    } catch (error) {
      const failure = error as { code: number | string; stdout: string };
      // A string code (ENOENT…) means cfn-lint did not run at all, which must not read as "no errors".
      assert.equal(typeof failure.code, 'number', `cfn-lint did not run: ${String(error)}`);
      code = failure.code as number;
      output = failure.stdout;
    }
    // cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8 informational.
    assert.equal(code & 2, 0, output);
    if (output.trim()) console.log(`# cfn-lint warnings:\n# ${output.trim().split('\n').join('\n# ')}`);
  });

  function bundleOf(logicalIdPrefix: string): string {
    const template = JSON.parse(readFileSync(join(outdir, 'ConnectViewsApi.template.json'), 'utf8'));
    const [, fn] = Object.entries(template.Resources as Record<string, { Type: string; Metadata?: Record<string, string> }>).find(
      ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(logicalIdPrefix),
    )!;
    return join(outdir, fn.Metadata!['aws:asset:path']!);
  }

  it('bundles the Lambda as one small ESM file and its source map, and runs on Node.js 24 with no node_modules', async () => {
    const assetDir = bundleOf('ServiceHandler');
    assert.deepEqual(readdirSync(assetDir).sort(), ['index.mjs', 'index.mjs.map']);
    const bytes = statSync(join(assetDir, 'index.mjs')).size;
    assert.ok(bytes < 1024 * 1024, `bundle is ${bytes} bytes`);
    const map = JSON.parse(readFileSync(join(assetDir, 'index.mjs.map'), 'utf8')) as { sources: string[]; sourcesContent?: unknown };
    assert.equal(map.sourcesContent, undefined, 'the map names sources without carrying their text');
    assert.ok(map.sources.some((source) => source.endsWith('lambda/service.ts')));
    console.log(
      `# Lambda bundle: ${(bytes / 1024).toFixed(1)} KiB, ` +
        `source map ${(statSync(join(assetDir, 'index.mjs.map')).size / 1024).toFixed(1)} KiB`,
    );

    // Import it from a directory without node_modules and answer a request that needs no DynamoDB.
    const script = `
      const { handler } = await import(${JSON.stringify(join(assetDir, 'index.mjs'))});
      const response = await handler(
        { httpMethod: 'GET', path: '/unknown', headers: {}, body: null, isBase64Encoded: false, requestContext: { requestId: 'r' } },
        { awsRequestId: 'a', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f', getRemainingTimeInMillis: () => 1000 },
      );
      console.log(JSON.stringify(response));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: tmpdir(),
      env: {
        PATH: process.env['PATH'],
        TABLE_NAME: 't',
        PAGINATION_TOKEN_SECRET: 'a-long-enough-secret',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        AWS_REGION: 'us-east-1',
      },
    });
    const response = JSON.parse(stdout.trim().split('\n').at(-1)!);
    assert.equal(response.statusCode, 400);
    assert.equal(response.headers['x-amzn-ErrorType'], 'InvalidRequestException');

    // As in Lambda (the tracer loaded, the key named by a secret id, read only when an operation
    // runs): a request no operation matches writes no metric, so it costs no EMF document.
    const inLambda = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: tmpdir(),
      env: {
        PATH: process.env['PATH'],
        AWS_LAMBDA_FUNCTION_NAME: 'views',
        _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
        TABLE_NAME: 't',
        PAGINATION_TOKEN_SECRET_ID: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:page-tokens-AbCdEf',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        AWS_REGION: 'us-east-1',
      },
    });
    const lines = inLambda.stdout.trim().split('\n');
    assert.deepEqual(lines.length, 1, inLambda.stdout);
    assert.equal(JSON.parse(lines[0]!).statusCode, 400);
    assert.equal(inLambda.stderr, '', 'no warning about empty metrics either');
  });

  it('maps a stack trace from the bundle back to the TypeScript source', async () => {
    const assetDir = bundleOf('ServiceHandler');
    const failed = await run(
      process.execPath,
      ['--enable-source-maps', '--input-type=module', '-e', `await import(${JSON.stringify(join(assetDir, 'index.mjs'))});`],
      {
        cwd: tmpdir(),
        env: { PATH: process.env['PATH'], AWS_REGION: 'us-east-1' },
      },
    ).then(
      () => assert.fail('the bundle must refuse to start without TABLE_NAME'),
      (error: { stderr: string }) => error.stderr,
    );
    assert.match(failed, /environment variable TABLE_NAME is not set/);
    assert.match(failed, /lambda\/handler\.ts:\d+:\d+/, failed);
  });

  it('bundles the event publisher the same way; it runs and handles an empty batch', async () => {
    const assetDir = bundleOf('EventsPublisherHandler');
    assert.deepEqual(readdirSync(assetDir).sort(), ['index.mjs', 'index.mjs.map']);
    const script = `
      const { handler } = await import(${JSON.stringify(join(assetDir, 'index.mjs'))});
      console.log(JSON.stringify(await handler({ Records: [] }, { awsRequestId: 'a', functionName: 'f' })));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: tmpdir(),
      env: { PATH: process.env['PATH'], EVENT_BUS_NAME: 'bus', AWS_REGION: 'us-east-1', POWERTOOLS_LOG_LEVEL: 'SILENT' },
    });
    assert.deepEqual(JSON.parse(stdout.trim().split('\n').at(-1)!), { batchItemFailures: [] });
  });
});
