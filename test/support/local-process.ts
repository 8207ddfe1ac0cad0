import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { after } from 'node:test';
import { jarDirectory, waitForDynamoDb } from '../../emulator/dynamodb-local/launcher.ts';
import { isRunning } from '../../emulator/dynamodb-local/processes.ts';

/**
 * `npm start` as a user runs it, as a child process: `node bin/local.ts`, which prints its endpoint
 * and stops on Ctrl-C. Plus what tests need to see the processes it leaves (or must not leave).
 */
export interface LocalProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<number | NodeJS.Signals | null>;
}

/** Starts `node bin/local.ts`; resolves once it prints its endpoint, rejects if it exits before. */
export async function startLocal(env: Record<string, string>, args: string[] = []): Promise<LocalProcess> {
  const { child, output, exited } = runLocal(env, args);
  return { child, url: await endpointPrinted(output, exited), output, exited };
}

/** The endpoint a starting service prints (`npm start`, the package's bin); rejects if it exits first or prints none within 90 s. */
export function endpointPrinted(output: () => string, exited: Promise<unknown>): Promise<string> {
  return new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`no endpoint printed within 90 s:\n${output()}`)), 90_000);
    const poll = setInterval(() => {
      const match = /endpoint\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output());
      if (match) {
        clearInterval(poll);
        clearTimeout(timer);
        resolveUrl(match[1]!);
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`exited with ${String(code)} before serving:\n${output()}`));
    });
  });
}

const started = new Set<ChildProcess>();
const orphans = new Set<number>();
// A failed assertion must not leave a service running: it would hold the test file open for good.
after(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const pid of orphans) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
});

/** Runs `node bin/local.ts` to its end (for starts that must fail). */
export function runLocal(env: Record<string, string>, args: string[] = []) {
  // The suite's own DYNAMODB_ENDPOINT is not the child's business unless a test passes it.
  const { DYNAMODB_ENDPOINT: _suiteDynamo, ...inherited } = process.env;
  return watchChild(
    spawn(process.execPath, ['bin/local.ts', ...args], { env: { ...inherited, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] }),
  );
}

/** A started child's output (stdout and stderr) and exit; killed after the test file if still running. */
export function watchChild(child: ChildProcess) {
  started.add(child);
  let output = '';
  let stderr = '';
  child.stdout!.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr!.on('data', (data: Buffer) => {
    output += data.toString();
    stderr += data.toString();
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolveExit) =>
    child.once('exit', (code, signal) => resolveExit(code ?? signal)),
  );
  return { child, output: () => output, stderr: () => stderr, exited };
}

/** Ctrl-C (or another signal) and the exit code. */
export async function stopLocal(local: LocalProcess, signal: NodeJS.Signals = 'SIGINT'): Promise<number | NodeJS.Signals | null> {
  local.child.kill(signal);
  return local.exited;
}

/** Pids of the DynamoDB Local processes (Java itself, not the watchdog shell that names the same jar) on `dataDir`. */
export function dynamoDbLocalsOn(dataDir: string): number[] {
  const marker = ` -dbPath ${resolve(dataDir)} `;
  const processes: { pid: number; program: string; line: string }[] = existsSync('/proc/self/cmdline')
    ? readdirSync('/proc')
        .filter((name) => /^\d+$/.test(name))
        .map((name) => {
          let argv: string[] = [];
          try {
            argv = readFileSync(join('/proc', name, 'cmdline'), 'utf8').split('\0');
          } catch {
            // gone meanwhile
          }
          return { pid: Number(name), program: argv[0] ?? '', line: ` ${argv.join(' ')} ` };
        })
    : spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
        .stdout.split('\n')
        .map((text) => /^\s*(\d+)\s+(\S+)(.*)$/.exec(text))
        .filter((match) => match !== null)
        .map((match) => ({ pid: Number(match[1]), program: match[2]!, line: ` ${match[2]}${match[3]} ` }));
  return processes
    .filter(
      ({ pid, program, line }) =>
        /(^|\/)java(\.exe)?$/.test(program) && line.includes('DynamoDBLocal.jar') && line.includes(marker) && isRunning(pid),
    )
    .map(({ pid }) => pid);
}

/** Resolves true once none of `pids` runs, false after `timeoutMs` (a generous bound, not a measurement). */
export async function goneWithin(pids: number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isRunning)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

export function lockOf(dataDir: string): { owner: number; java?: number; watchdog?: number } {
  return JSON.parse(readFileSync(join(dataDir, 'dynamodb-local.lock'), 'utf8'));
}

/**
 * What a previous run can leave behind when its owner dies without its watchdog (killed together,
 * or started by an older version): DynamoDB Local running on `dataDir`, and a lock naming an owner
 * that is gone. Resolves with the orphan's pid once it answers.
 */
export async function startOrphanDynamoDbLocal(dataDir: string): Promise<number> {
  const dir = jarDirectory();
  const port = await new Promise<number>((resolvePort) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as { port: number };
      probe.close(() => resolvePort(free));
    });
  });
  const orphan = spawn(
    'java',
    [
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(dir, 'DynamoDBLocal.jar'),
      '-dbPath',
      resolve(dataDir),
      '-sharedDb',
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    { detached: true, stdio: 'ignore' },
  );
  orphan.unref();
  orphans.add(orphan.pid!);
  const deadOwner = spawnSync(process.execPath, ['-e', '']).pid;
  writeFileSync(join(dataDir, 'dynamodb-local.lock'), JSON.stringify({ owner: deadOwner, java: orphan.pid, port }));
  await waitForDynamoDb(`http://127.0.0.1:${port}`, 60_000);
  return orphan.pid!;
}
