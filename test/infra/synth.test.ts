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
import { synthesizeService } from './app.ts';

const run = promisify(execFile);
const outdir = mkdtempSync(join(tmpdir(), 'views-cdk-out-'));
let synth: { code: number | null; output: string; seconds: number };

before(() => {
  // `npx cdk synth` exactly as a user runs it: offline, with cdk-nag's AwsSolutions checks and the
  // Lambda bundled by the local esbuild.
  const started = Date.now();
  const result = spawnSync('npx', ['cdk', 'synth', '-q', '-o', outdir], {
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

  it('cdk-nag AwsSolutions finds nothing unacknowledged, and every acknowledgement says why', () => {
    const { app, data, api } = synthesizeService();
    for (const stack of [data, api]) {
      const report = new AwsSolutionsChecks(app).validateScope(stack);
      assert.deepEqual(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(',')}`), [], stack.stackName);
    }
    const acknowledged = acknowledgements(app).filter((a) => a.id.includes('AwsSolutions'));
    assert.ok(acknowledged.length > 0);
    for (const { id, reason } of acknowledged) assert.ok(reason.length >= 60, `${id} has a reason a reviewer can judge`);
  });

  it('cfn-lint reports no error in any synthesized template', async () => {
    const templates = readdirSync(outdir).filter((name) => name.endsWith('.template.json')).map((name) => join(outdir, name));
    assert.equal(templates.length, 2);
    let code = 0;
    let output = '';
    try {
      ({ stdout: output } = await run('cfn-lint', templates));
    } catch (error) {
      const failure = error as { code: number; stdout: string };
      code = failure.code;
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

  it('bundles the Lambda as one small ESM file that runs on Node.js 24 with no node_modules', async () => {
    const assetDir = bundleOf('ServiceHandler');
    assert.deepEqual(readdirSync(assetDir), ['index.mjs']);
    const bytes = statSync(join(assetDir, 'index.mjs')).size;
    assert.ok(bytes < 1024 * 1024, `bundle is ${bytes} bytes`);
    console.log(`# Lambda bundle: ${(bytes / 1024).toFixed(1)} KiB`);

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
      env: { PATH: process.env['PATH'], TABLE_NAME: 't', PAGINATION_TOKEN_SECRET: 'a-long-enough-secret', POWERTOOLS_LOG_LEVEL: 'SILENT', AWS_REGION: 'us-east-1' },
    });
    const response = JSON.parse(stdout.trim().split('\n').at(-1)!);
    assert.equal(response.statusCode, 400);
    assert.equal(response.headers['x-amzn-ErrorType'], 'InvalidRequestException');

    // As in Lambda: the X-Ray tracer is loaded and the request's metrics are written as EMF.
    const inLambda = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: tmpdir(),
      env: {
        PATH: process.env['PATH'],
        AWS_LAMBDA_FUNCTION_NAME: 'views',
        _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
        TABLE_NAME: 't',
        PAGINATION_TOKEN_SECRET: 'a-long-enough-secret',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        AWS_REGION: 'us-east-1',
      },
    });
    const lines = inLambda.stdout.trim().split('\n');
    assert.equal(JSON.parse(lines.at(-1)!).statusCode, 400);
    const metrics = lines.map((line) => JSON.parse(line)).find((entry) => entry._aws && 'Requests' in entry);
    assert.ok(metrics, 'an EMF document for the request');
    assert.equal(metrics.Operation, 'Unrouted');
    assert.equal(metrics.ClientErrors, 1);
  });

  it('bundles the event publisher the same way; it runs and handles an empty batch', async () => {
    const assetDir = bundleOf('EventsPublisherHandler');
    assert.deepEqual(readdirSync(assetDir), ['index.mjs']);
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
