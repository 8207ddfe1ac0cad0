import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { replaceOnce } from './matching.ts';
import { MUTANTS, occurrences, type Mutant } from './mutants.ts';
import { sites, staleOperators, type Site } from './operators.ts';

/**
 * `npm run mutants [-- NAME…] [--check] [--operators|--listed]`: proves that the suite notices when a
 * guard goes away. Each mutant is a realistic slip in the service (a condition dropped or weakened, a
 * check skipped, a limit raised, a unit of time lost, a counter's sign flipped, a catch widened);
 * it is applied to a copy of the project, the test files that should catch it run there, and the
 * copy is put back. A mutant the tests do not kill is a guard no test protects. Exits 1 if any
 * survives. The listed mutants (mutants.ts) are one line each; the operators (operators.ts) make one
 * mutant of every place their pattern occurs. A NAME picks a mutant, or every mutant of an operator.
 *
 * The working tree is never touched: the copy (the tracked files, with node_modules linked) lives
 * in a temporary folder, so stopping the run at any moment leaves nothing to restore. Not part of
 * `npm test`: it runs the chosen test files once per mutant (many minutes in all).
 */
const args = process.argv.slice(2);
const checkOnly = args.includes('--check');
const only = new Set(args.filter((arg) => !arg.startsWith('--')));
const picked = (name: string) => only.size === 0 || only.has(name) || only.has(name.split('@')[0]!);
const listed = args.includes('--operators') ? [] : MUTANTS.filter((m) => picked(m.name));
const operatorSites = args.includes('--listed') ? [] : sites().filter((site) => picked(site.name));

if (checkOnly) {
  const stale = [...listed.filter((m) => occurrences(m) !== 1).map((m) => m.name), ...staleOperators()];
  console.log(
    stale.length ? `stale mutants: ${stale.join(', ')}` : `${listed.length} listed mutants apply; operators make ${operatorSites.length}`,
  );
  process.exit(stale.length ? 1 : 0);
}

/** The project as git knows it (committed and not), in a folder of its own. */
function copyProject(): string {
  const copy = mkdtempSync(join(tmpdir(), 'views-mutants-'));
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    try {
      cpSync(file, join(copy, file));
    } catch {
      // deleted in the working tree but still in the index
    }
  }
  symlinkSync(join(process.cwd(), 'node_modules'), join(copy, 'node_modules'), 'dir');
  return copy;
}

const copy = copyProject();
let running: ReturnType<typeof spawn> | undefined;
const cleanUp = () => {
  running?.kill('SIGKILL');
  rmSync(copy, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    cleanUp();
    process.exit(130);
  });
}

function runTests(mutant: Mutant | Site): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['test/run.ts', ...mutant.tests], { cwd: copy, env: { ...process.env, FUZZ_RUNS: '200' } });
    running = child;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The text with an operator's site replaced: the site was found in this very text, so it must stand there. */
function splice(text: string, site: Site): string {
  if (text.slice(site.index, site.index + site.length) !== site.original) throw new Error(`${site.name}: the file changed`);
  return text.slice(0, site.index) + site.replacement + text.slice(site.index + site.length);
}

const results: { name: string; killed: boolean; seconds: number }[] = [];
try {
  for (const mutant of [...listed, ...operatorSites]) {
    const started = Date.now();
    const target = join(copy, mutant.file);
    const original = readFileSync(target, 'utf8');
    writeFileSync(target, 'find' in mutant ? replaceOnce(original, mutant.find, mutant.replace) : splice(original, mutant));
    const run = await runTests(mutant);
    writeFileSync(target, original);
    // Killed means a test failed: a run that broke for another reason (no database, a syntax error) proves nothing.
    const testsFailed = /^ℹ fail [1-9]/m.test(run.stdout);
    const killed = run.code !== 0 && testsFailed;
    const seconds = Math.round((Date.now() - started) / 1000);
    results.push({ name: mutant.name, killed, seconds });
    const failing = run.stdout
      .split('\n')
      .filter((line) => /^\s*✖ /.test(line))
      .slice(0, 2)
      .map((line) => line.trim());
    const verdict = killed ? 'killed  ' : run.code !== 0 ? 'BROKEN  ' : 'SURVIVED';
    const detail = killed ? `: ${failing.join(' | ')}` : run.code !== 0 ? `: ${run.stderr.trim().split('\n').slice(-2).join(' ')}` : '';
    console.log(`${verdict} ${mutant.name} (${seconds} s)${detail}`);
  }
} finally {
  cleanUp();
}
const survivors = results.filter((r) => !r.killed);
const score = (group: typeof results) => `${group.filter((r) => r.killed).length} of ${group.length}`;
const fromOperators = results.filter((r) => r.name.includes('@'));
const summary =
  `${results.length - survivors.length} of ${results.length} mutants killed ` +
  `(listed: ${score(results.filter((r) => !r.name.includes('@')))}; operators: ${score(fromOperators)})`;
console.log(`\n${summary}${survivors.length ? `; not killed: ${survivors.map((s) => s.name).join(', ')}` : ''}.`);
process.exit(survivors.length ? 1 : 0);
