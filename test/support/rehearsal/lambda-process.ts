import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * One function's execution environment: its bundle loaded by a Node.js process of its own with the
 * environment Lambda gives it — the template's variables (resolved), Lambda's own (function name,
 * region, memory, log group, task root) and the role's credentials — and the AWS endpoints pointed
 * at the stand-ins. Invocations run one at a time, as in one Lambda environment.
 */
export interface LambdaProcessOptions {
  name: string;
  functionArn: string;
  /** The asset directory and the template's `Handler` (`index.handler`). */
  codeDir: string;
  handler: string;
  /** The template's environment variables, resolved. */
  environment: Record<string, string>;
  region: string;
  memoryMb: number;
  logGroup: string;
  /** The execution role's session credentials (the stand-ins tell roles apart by the access key). */
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  /** Where the AWS SDK in the function sends every request (AWS_ENDPOINT_URL). */
  awsEndpoint: string;
  /** The X-Ray daemon of this environment (UDP host:port), when tracing is active. */
  xrayDaemon?: string;
}

export interface InvokeResult {
  result?: unknown;
  error?: { errorType: string; errorMessage: string };
}

const RUNNER = fileURLToPath(new URL('./lambda-runner.ts', import.meta.url));

export class LambdaProcess {
  readonly name: string;
  readonly node: string;
  readonly #child: ChildProcess;
  readonly #functionArn: string;
  readonly #pending = new Map<number, (result: InvokeResult) => void>();
  #next = 0;
  #log = '';

  private constructor(name: string, child: ChildProcess, node: string, functionArn: string) {
    this.name = name;
    this.#child = child;
    this.node = node;
    this.#functionArn = functionArn;
    child.on('message', (message: { id?: number } & InvokeResult) => {
      if (message.id === undefined) return;
      this.#pending.get(message.id)?.(message);
      this.#pending.delete(message.id);
    });
    const keep = (data: Buffer) => (this.#log += data.toString());
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
  }

  static async start(options: LambdaProcessOptions): Promise<LambdaProcess> {
    const [file, exportName] = options.handler.split('.') as [string, string];
    // Lambda's Node.js runtime loads `index.mjs` (an ES module), `index.js` or `index.cjs` for `index.handler`.
    const bundle = ['.mjs', '.js', '.cjs'].map((extension) => join(options.codeDir, `${file}${extension}`)).find(existsSync);
    if (!bundle) throw new Error(`no ${file}.mjs/.js/.cjs in ${options.codeDir}`);
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '',
      ...options.environment,
      AWS_REGION: options.region,
      AWS_DEFAULT_REGION: options.region,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_LAMBDA_FUNCTION_NAME: options.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memoryMb),
      AWS_LAMBDA_LOG_GROUP_NAME: options.logGroup,
      AWS_LAMBDA_LOG_STREAM_NAME: `2026/12/04/[$LATEST]${randomUUID().replaceAll('-', '')}`,
      LAMBDA_TASK_ROOT: options.codeDir,
      _HANDLER: options.handler,
      AWS_ACCESS_KEY_ID: options.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: options.credentials.secretAccessKey,
      AWS_SESSION_TOKEN: options.credentials.sessionToken,
      AWS_ENDPOINT_URL: options.awsEndpoint,
      ...(options.xrayDaemon ? { AWS_XRAY_DAEMON_ADDRESS: options.xrayDaemon, AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR' } : {}),
    };
    const child = fork(RUNNER, [bundle, exportName], { env, cwd: options.codeDir, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    const ready = await new Promise<{ node: string }>((resolveReady, reject) => {
      let output = '';
      const collect = (data: Buffer) => (output += data.toString());
      child.stdout!.on('data', collect);
      child.stderr!.on('data', collect);
      child.once('message', (message: { node: string }) => resolveReady(message));
      child.once('exit', (code) => reject(new Error(`${options.name} exited with ${code} while loading:\n${output}`)));
    });
    return new LambdaProcess(options.name, child, ready.node, options.functionArn);
  }

  /** One invocation; `traceId` as API Gateway passes a sampled request's trace header. */
  invoke(event: unknown, options: { remainingMs: number; traceId?: string; requestId?: string }): Promise<InvokeResult> {
    const id = this.#next++;
    return new Promise((resolveResult) => {
      this.#pending.set(id, resolveResult);
      this.#child.send({
        id,
        event,
        requestId: options.requestId ?? randomUUID(),
        remainingMs: options.remainingMs,
        functionArn: this.#functionArn,
        traceId: options.traceId,
      });
    });
  }

  /** Everything the function wrote to stdout and stderr: its CloudWatch log. */
  log(): string {
    return this.#log;
  }

  /** The log's JSON lines (Powertools Logger). */
  logLines(): Record<string, unknown>[] {
    return this.#log
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise((resolveExit) => this.#child.once('exit', resolveExit));
    this.#child.kill('SIGTERM');
    await exited;
  }
}
