import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateSecretCommand, ListSecretsCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { build, type BuildOptions } from 'esbuild';
import { ms, percentile, table } from './stats.ts';
import { REQUIRE_BANNER } from '../../lib/constructs/service-function.ts';

/**
 * What reading the NextToken key from Secrets Manager adds to a cold start: the first request of a
 * fresh process (import + one DescribeView on DynamoDB Local) with the key in the environment,
 * against the same with the key read from a Secrets Manager stand-in (moto's server on loopback),
 * and the import time the Secrets Manager client and Powertools Parameters add to a bundle that
 * already has the DynamoDB client. Over loopback the fetch is the SDK's own work; in AWS a TLS
 * handshake and an in-region round trip come on top.
 */
async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startMoto(): Promise<{ endpoint: string; stop: () => void } | undefined> {
  const port = await freePort();
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new SecretsManagerClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) return undefined;
    try {
      await client.send(new ListSecretsCommand({}));
      client.destroy();
      return { endpoint, stop: () => child.kill() };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  child.kill();
  return undefined;
}

/** esbuild options as the CDK app bundles a Lambda (ServiceFunction), for bundles the benchmarks build themselves. */
export const LAMBDA_BUNDLE_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  mainFields: ['module', 'main'],
  banner: { js: REQUIRE_BANNER },
  logLevel: 'silent',
};

export async function measureSecretFetch(options: {
  dynamoEndpoint: string;
  tableName: string;
  bundleDir: string;
  runs: number;
}): Promise<{ title: string; body: string }> {
  const title = 'NextToken key from Secrets Manager';
  const moto = await startMoto();
  if (!moto) return { title, body: 'Skipped: `python3 -m moto.server` (the Secrets Manager stand-in) is not available on this machine.' };
  const out = mkdtempSync(join(tmpdir(), 'views-secret-bench-'));
  try {
    const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
    const secrets = new SecretsManagerClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials });
    const { ARN } = await secrets.send(new CreateSecretCommand({ Name: 'page-tokens', SecretString: 'the-key-before-the-rotation' }));
    await secrets.send(new PutSecretValueCommand({ SecretId: ARN, SecretString: 'the-key-after-the-rotation!' }));
    secrets.destroy();

    const service = join(out, 'service', 'index.mjs');
    await build({ ...LAMBDA_BUNDLE_OPTIONS, entryPoints: [join(options.bundleDir, 'lambda/handler.ts')], outfile: service });
    const reference = join(out, 'reference', 'index.mjs');
    await build({
      ...LAMBDA_BUNDLE_OPTIONS,
      entryPoints: [join(options.bundleDir, 'test/bench/reference-handler.ts')],
      outfile: reference,
    });
    const withSecrets = join(out, 'with-secrets', 'index.mjs');
    await build({
      ...LAMBDA_BUNDLE_OPTIONS,
      stdin: {
        contents: `import { handler } from ${JSON.stringify(join(options.bundleDir, 'test/bench/reference-handler.ts'))};
          import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
          import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
          export { handler };
          export const keys = new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({}) });`,
        resolveDir: options.bundleDir,
        loader: 'ts',
      },
      outfile: withSecrets,
    });

    const baseEnv = {
      PATH: process.env['PATH'] ?? '',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      TABLE_NAME: options.tableName,
      DYNAMODB_ENDPOINT: options.dynamoEndpoint,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_TRACE_ENABLED: 'false',
    };
    const firstRequest = (env: Record<string, string>) => {
      const script =
        `const t = performance.now();
        const { handler } = await import(${JSON.stringify(pathToFileURL(service).href)});
        const r = await handler({ httpMethod: 'GET', path: '/views/bench-secret/0f3c2a9e-1b7d-4c8e-9a6b-5d4c3b2a1f0e', headers: {}, ` +
        `multiValueHeaders: {}, queryStringParameters: null, multiValueQueryStringParameters: null, body: null, isBase64Encoded: false, ` +
        `requestContext: { requestId: 'r' } },
          { awsRequestId: 'a', invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f', getRemainingTimeInMillis: ` +
        `() => 10000 });
        if (r.statusCode !== 404) throw new Error('unexpected ' + r.statusCode + ' ' + r.body);
        console.log(performance.now() - t);`;
      const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: tmpdir(),
        env: { ...baseEnv, ...env },
        encoding: 'utf8',
      });
      return Number(output.trim().split('\n').at(-1));
    };
    const importTime = (bundle: string) =>
      Number(
        execFileSync(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(bundle).href)}); console.log(performance.now() - t);`,
          ],
          {
            cwd: tmpdir(),
            env: baseEnv,
            encoding: 'utf8',
          },
        )
          .trim()
          .split('\n')
          .at(-1),
      );
    const fromEnv = { PAGINATION_TOKEN_SECRET: 'bench-secret-0123456789' };
    const fromSecret = { PAGINATION_TOKEN_SECRET_ID: ARN!, AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.endpoint };
    firstRequest(fromEnv);
    firstRequest(fromSecret);
    const samples = { env: [] as number[], secret: [] as number[], reference: [] as number[], withSecrets: [] as number[] };
    // Interleaved, so that load from other work on the machine affects both alike.
    for (let i = 0; i < options.runs; i++) {
      samples.env.push(firstRequest(fromEnv));
      samples.secret.push(firstRequest(fromSecret));
      samples.reference.push(importTime(reference));
      samples.withSecrets.push(importTime(withSecrets));
    }
    const p50 = (values: number[]) => percentile(values, 50);
    const fetchCost = p50(samples.secret) - p50(samples.env);
    const importCost = p50(samples.withSecrets) - p50(samples.reference);
    return {
      title,
      body:
        `First request of a fresh process (import, then one DescribeView against DynamoDB Local), ${options.runs} runs each, ` +
        `interleaved. The key is read from a Secrets Manager stand-in (moto's server on 127.0.0.1, ` +
        `AWSCURRENT and AWSPREVIOUS in parallel), so the difference is the SDK's work without network latency: ` +
        `in AWS add a TLS handshake and an in-region round trip (typically 10–30 ms). ` +
        `Later requests read the keys from the cache (5 minutes).\n\n${table(
          ['Case', 'p50 (ms)', 'p90 (ms)'],
          [
            ['Key in the environment (local service, tests)', ms(p50(samples.env)), ms(percentile(samples.env, 90))],
            ['Key read from Secrets Manager (as deployed)', ms(p50(samples.secret)), ms(percentile(samples.secret, 90))],
            ['Import: document-client-only reference bundle', ms(p50(samples.reference)), ms(percentile(samples.reference, 90))],
            [
              'Import: the same + Secrets Manager client + Powertools Parameters',
              ms(p50(samples.withSecrets)),
              ms(percentile(samples.withSecrets, 90)),
            ],
          ],
        )}\n\nThe read adds **${ms(fetchCost)} ms** to the first request here; ` +
        `the two packages add **${ms(importCost)} ms** of import time to a bundle that already carries the DynamoDB client.`,
    };
  } finally {
    moto.stop();
    rmSync(out, { recursive: true, force: true });
  }
}
