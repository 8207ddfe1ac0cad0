import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { MUTANTS, occurrences, type Mutant } from './mutants.ts';

/**
 * `npm run mutants [-- NAME…]`: proves that the suite notices when a guard goes away. Each mutant
 * is a realistic one-line slip in the service (a condition dropped or weakened, a check skipped, a
 * limit raised); it is applied, the test files that should catch it are run, and the source is
 * restored. A mutant the tests do not kill is a guard no test protects. Exits 1 if any survives.
 * Not part of `npm test`: it runs the chosen test files once per mutant (several minutes in all),
 * and it edits the working tree while it runs (restoring it after each mutant, and when stopped).
 */
const args = process.argv.slice(2);
const checkOnly = args.includes('--check');
const only = new Set(args.filter((arg) => arg !== '--check'));
const chosen = MUTANTS.filter((m) => only.size === 0 || only.has(m.name));

function mutate(mutant: Mutant): () => void {
  const original = readFileSync(mutant.file, 'utf8');
  const found = occurrences(mutant);
  if (found !== 1) throw new Error(`${mutant.name}: expected the text once in ${mutant.file}, found it ${found} times`);
  writeFileSync(mutant.file, original.replace(mutant.find, mutant.replace));
  return () => writeFileSync(mutant.file, original);
}

if (checkOnly) {
  const stale = chosen.filter((m) => occurrences(m) !== 1).map((m) => m.name);
  console.log(stale.length ? `stale mutants: ${stale.join(', ')}` : `${chosen.length} mutants apply`);
  process.exit(stale.length ? 1 : 0);
}

let restore: (() => void) | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    restore?.();
    process.exit(130);
  });
}

const results: { name: string; killed: boolean; seconds: number }[] = [];
for (const mutant of chosen) {
  const started = Date.now();
  restore = mutate(mutant);
  let run: ReturnType<typeof spawnSync>;
  try {
    run = spawnSync(process.execPath, ['test/run.ts', ...mutant.tests], { encoding: 'utf8', env: { ...process.env, FUZZ_RUNS: '200' }, timeout: 600_000 });
  } finally {
    restore();
    restore = undefined;
  }
  // Killed means a test failed: a run that broke for another reason (no database, a syntax error) proves nothing.
  const testsFailed = /^ℹ fail [1-9]/m.test(String(run.stdout));
  const killed = run.status !== 0 && testsFailed;
  const seconds = Math.round((Date.now() - started) / 1000);
  results.push({ name: mutant.name, killed, seconds });
  const failing = String(run.stdout).split('\n').filter((line) => /^\s*✖ /.test(line)).slice(0, 2).map((line) => line.trim());
  const verdict = killed ? 'killed  ' : run.status !== 0 ? 'BROKEN  ' : 'SURVIVED';
  console.log(`${verdict} ${mutant.name} (${seconds} s)${killed ? `: ${failing.join(' | ')}` : run.status !== 0 ? `: ${String(run.stderr).trim().split('\n').slice(-2).join(' ')}` : ''}`);
}
const survivors = results.filter((r) => !r.killed);
console.log(`\n${results.length - survivors.length} of ${results.length} mutants killed${survivors.length ? `; not killed: ${survivors.map((s) => s.name).join(', ')}` : ''}.`);
process.exit(survivors.length ? 1 : 0);
