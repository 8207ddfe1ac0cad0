import { Command, CommanderError, Option } from 'commander';
import pc from 'picocolors';
import type { ApplyResult } from './apply.ts';
import type { Finding } from './lint.ts';
import type { Plan } from './plan.ts';
import type { Target, TargetOptions } from './target.ts';
import { studioCommand } from './studio/command.ts';

/**
 * `connect-views`: the command over the library. Only commander and picocolors load up front; the
 * AWS SDK and the rest come in when a command runs, so `--help` answers at once.
 */

/** A failure the user can act on: printed as one line, no stack. */
class Expected extends Error {
  override name = 'Expected';
}

const EXPECTED_ERRORS = new Set([
  'TargetError',
  'ViewFileError',
  'ViewNotFoundError',
  'DiffSideError',
  'VersionNotFoundError',
  'ChangedSinceReadError',
  'UnversionedContentError',
  'PlanFileError',
  'CredentialsProviderError',
  'Expected',
]);

interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdinIsTTY: boolean;
}

interface TargetFlags {
  instanceId?: string;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  signingName?: string;
}

function addTargetOptions(command: Command, prefix = '', role = ''): Command {
  const flag = (name: string) => (prefix ? `--${prefix}-${name}` : `--${name}`);
  const of = role ? ` of the ${role}` : '';
  return command
    .requiredOption(`${flag('instance-id')} <id>`, `instance id or instance ARN${of}`)
    .option(`${flag('region')} <region>`, `AWS region${of} (default: from the ARN, AWS_REGION, or the profile)`)
    .option(`${flag('profile')} <profile>`, `named profile${of} (~/.aws/config)`)
    .option(`${flag('endpoint-url')} <url>`, `endpoint${of}: the self-hosted API or the local emulator (default: Amazon Connect)`)
    .option(`${flag('signing-name')} <name>`, `SigV4 service name${of} (execute-api is chosen for execute-api hosts)`);
}

function withConcurrency(command: Command): Command {
  return command.addOption(new Option('--concurrency <n>', 'views worked on at once').default(4).argParser(positiveInt));
}

function positiveInt(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new CommanderError(1, 'connect-views.invalidArgument', `${value} is not a positive integer`);
  return number;
}

function flagsWithPrefix(options: Record<string, unknown>, prefix: string): TargetFlags {
  const key = (name: string) => (prefix ? `${prefix}${name[0]!.toUpperCase()}${name.slice(1)}` : name);
  return {
    instanceId: options[key('instanceId')] as string,
    region: options[key('region')] as string | undefined,
    profile: options[key('profile')] as string | undefined,
    endpointUrl: options[key('endpointUrl')] as string | undefined,
    signingName: options[key('signingName')] as string | undefined,
  };
}

async function makeTarget(flags: TargetFlags): Promise<Target> {
  const { targetFromOptions } = await import('./target.ts');
  const options: TargetOptions = { instanceId: flags.instanceId! };
  if (flags.region) options.region = flags.region;
  if (flags.profile) options.profile = flags.profile;
  if (flags.endpointUrl) options.endpointUrl = flags.endpointUrl;
  if (flags.signingName) options.signingName = flags.signingName;
  return targetFromOptions(options);
}

/** On a terminal, one line on stderr that keeps being rewritten; nothing at all when piped. */
function progressLine(io: Io) {
  let last = 0;
  let shown = false;
  return {
    update(done: number, total: number, what?: string) {
      if (!io.stderr.isTTY) return;
      const now = Date.now();
      if (done < total && now - last < 100) return;
      last = now;
      shown = true;
      const label = what ? ` ${what.length > 50 ? `${what.slice(0, 49)}…` : what}` : '';
      io.stderr.write(`\r\u001b[K${done}/${total}${label}`);
    },
    clear() {
      if (shown) io.stderr.write('\r\u001b[K');
      shown = false;
    },
  };
}

async function confirm(io: Io, question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: io.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** A --version the API would refuse fails before anything is written, not after the content is. */
async function checkVersionDescription(description: string | undefined): Promise<void> {
  if (description === undefined) return;
  const { descriptionProblem } = await import('./lint.ts');
  const problem = descriptionProblem(description);
  if (problem) throw new Expected(`--version: ${problem}`);
}

function print(io: Io, text: string): void {
  io.stdout.write(`${text}\n`);
}

function renderPlanText(plan: Plan, color: boolean, renderDiff: typeof import('./structural-diff.ts').renderDiff): string {
  const c = pc.createColors(color);
  const lines: string[] = [];
  for (const entry of plan.entries) {
    if (entry.action === 'create') lines.push(c.green(`+ create    ${entry.name}`));
    else if (entry.action === 'update') lines.push(c.yellow(`~ update    ${entry.name} (${entry.changes.join(', ')})`));
    else if (entry.action === 'extra' && plan.prune) lines.push(c.red(`- delete    ${entry.name}: not in the folder`));
    else if (entry.action === 'extra')
      lines.push(c.dim(`? extra     ${entry.name}: not in the folder, left alone (apply --prune deletes it)`));
    else if (entry.action === 'skip') lines.push(c.dim(`- skip      ${entry.name}: ${entry.notes.join('; ')}`));
    else continue;
    if (entry.action === 'update') {
      if (entry.diff.length > 0) lines.push(renderDiff(entry.diff, { color, indent: '      ' }));
      for (const note of entry.notes) lines.push(c.dim(`      note: ${note}`));
    }
  }
  const { create, update, unchanged, extra } = plan.summary;
  const extras = plan.prune ? `${extra} to delete` : `${extra} only in the instance (left alone)`;
  lines.push(`Plan: ${create} to create, ${update} to update, ${unchanged} unchanged, ${extras}.`);
  return lines.join('\n');
}

function reportApply(io: Io, result: ApplyResult, color: boolean): void {
  const c = pc.createColors(color);
  for (const outcome of result.outcomes) {
    const version = outcome.steps.includes('version') ? ` → version ${outcome.version}` : '';
    if (outcome.status === 'created') print(io, c.green(`✔ created ${outcome.name}${version}`));
    else if (outcome.status === 'updated') print(io, c.yellow(`✔ updated ${outcome.name} (${outcome.steps.join(', ')})${version}`));
    else if (outcome.status === 'deleted') print(io, c.red(`✔ deleted ${outcome.name}`));
    else if (outcome.status === 'unchanged' && version) print(io, `✔ versioned ${outcome.name}${version}`);
    else if (outcome.status === 'failed') io.stderr.write(`${c.red(`✖ ${outcome.name}: ${outcome.error}`)}\n`);
  }
  const s = result.summary;
  print(
    io,
    `Apply: ${s.created} created, ${s.updated} updated, ${s.deleted} deleted, ${s.failed} failed, ${s.unchanged} unchanged; ` +
      `${s.versions} version${s.versions === 1 ? '' : 's'} cut.`,
  );
}

function renderFindings(findings: Finding[], color: boolean): string {
  const c = pc.createColors(color);
  return findings
    .map(
      (f) =>
        `${f.file ?? ''}${f.pointer ? `#${f.pointer}` : ''}  ${f.severity === 'error' ? c.red('error') : c.yellow('warning')}  ` +
        `${f.rule}  ${f.message}`,
    )
    .join('\n');
}

/** Builds the program; actions set `exit.code`. */
export function buildProgram(io: Io, exit: { code: number }): Command {
  const color = pc.isColorSupported && Boolean(io.stdout.isTTY);
  const program = new Command('connect-views')
    .description(
      'Views as code for Amazon Connect (and any endpoint that speaks its Views API):\n' +
        'pull, plan, apply, promote, diff, roll back, lint.\n' +
        'Targets are picked as the AWS CLI picks them: --instance-id (id or ARN), --region, --profile, --endpoint-url;\n' +
        'credentials from the default provider chain. Docs: docs/views-as-code.md.',
    )
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride();

  withConcurrency(
    addTargetOptions(
      program
        .command('pull')
        .description('write one <name>.view.json per customer-managed view into --dir (a mirror: files of deleted views are removed)'),
    ),
  )
    .requiredOption('--dir <dir>', 'folder of view files')
    .option('--include-aws-managed', 'also write AWS-managed views (plan and apply leave them alone)')
    .action(async (options) => {
      const target = await makeTarget(flagsWithPrefix(options, ''));
      const { pullViews } = await import('./pull.ts');
      const progress = progressLine(io);
      const result = await pullViews(target, {
        dir: options.dir,
        includeAwsManaged: Boolean(options.includeAwsManaged),
        concurrency: options.concurrency,
        onProgress: progress.update,
      }).finally(progress.clear);
      print(
        io,
        `Pulled ${result.views} views into ${options.dir}: ${result.written.length} written, ${result.unchanged.length} unchanged, ` +
          `${result.removed.length} removed.`,
      );
    });

  withConcurrency(
    addTargetOptions(
      program
        .command('plan')
        .description(
          'what apply would change, view by view, matched by name.\n' +
            'Exit code: 0 no changes, 2 changes, 1 error (like terraform plan -detailed-exitcode).',
        ),
    ),
  )
    .requiredOption('--dir <dir>', 'folder of view files')
    .option('--json', 'the plan as JSON on stdout (apply --plan takes it)')
    .option('--prune', 'plan the deletion of the views the folder lacks (for apply --plan FILE --prune)')
    .action(async (options) => {
      const target = await makeTarget(flagsWithPrefix(options, ''));
      const [{ planDirectory, hasChanges }, { renderDiff }] = await Promise.all([import('./plan.ts'), import('./structural-diff.ts')]);
      const progress = progressLine(io);
      const plan = await planDirectory(target, options.dir, {
        concurrency: options.concurrency,
        prune: Boolean(options.prune),
        onProgress: progress.update,
      }).finally(progress.clear);
      print(io, options.json ? JSON.stringify(plan, null, 2) : renderPlanText(plan, color, renderDiff));
      exit.code = hasChanges(plan) ? 2 : 0;
    });

  withConcurrency(
    addTargetOptions(
      program
        .command('apply')
        .description(
          'carry out the plan: create and update views (each write guarded by the sha read when planned),\n' +
            'optionally cut versions and prune.\n' +
            'Exit code: 0 done (or nothing to do), 1 if any view failed.',
        ),
    ),
  )
    .option('--dir <dir>', 'folder of view files (planned now)')
    .option('--plan <file>', 'a plan saved with plan --json: applied only where the instance is still as planned')
    .option('--version <description>', 'cut a version of each view it publishes, with this description')
    .option('--prune', 'delete the views that are in the instance but not in the folder')
    .option('--yes', 'do not ask before pruning (required for --prune when not on a terminal)')
    .action(async (options) => {
      if (!options.dir === !options.plan) throw new Expected('apply needs --dir or --plan (one of them)');
      await checkVersionDescription(options.version);
      const target = await makeTarget(flagsWithPrefix(options, ''));
      const [{ planDirectory }, { applyPlan }] = await Promise.all([import('./plan.ts'), import('./apply.ts')]);
      const progress = progressLine(io);
      let plan: Plan;
      if (options.plan) {
        const [{ readFile }, { parsePlanFile }] = await Promise.all([import('node:fs/promises'), import('./plan-file.ts')]);
        const text = await readFile(options.plan, 'utf8').catch((error: NodeJS.ErrnoException) => {
          error.path ??= options.plan;
          throw error;
        });
        plan = parsePlanFile(text, options.plan, target.instanceId);
        if (options.prune && plan.prune !== true && plan.summary.extra > 0) {
          throw new Expected(`${options.plan} was planned without --prune: plan again with plan --prune --json`);
        }
        if (!options.prune && plan.prune === true && plan.summary.extra > 0) {
          throw new Expected(`${options.plan} plans ${plan.summary.extra} deletions: apply it with --prune, or plan again without --prune`);
        }
      } else {
        plan = await planDirectory(target, options.dir, {
          concurrency: options.concurrency,
          prune: Boolean(options.prune),
          onProgress: progress.update,
        }).finally(progress.clear);
      }
      const extra = plan.entries.filter((entry) => entry.action === 'extra');
      if (options.prune && extra.length > 0 && !options.yes) {
        const names = extra.map((entry) => entry.name).join(', ');
        if (!io.stdinIsTTY) throw new Expected(`apply --prune would delete ${extra.length} views (${names}): pass --yes to confirm`);
        if (!(await confirm(io, `Delete ${extra.length} views not in the folder (${names})?`))) throw new Expected('nothing applied');
      }
      const result = await applyPlan(target, plan, {
        concurrency: options.concurrency,
        prune: Boolean(options.prune),
        ...(options.version ? { version: options.version } : {}),
        onProgress: progress.update,
      }).finally(progress.clear);
      reportApply(io, result, color);
      exit.code = result.summary.failed > 0 ? 1 : 0;
    });

  const promote = program
    .command('promote')
    .description(
      "plan the source's published views ($LATEST) onto the target, confirm, apply, and write the ARN map.\n" +
        'Across instances, accounts, regions and endpoints. Exit code: 0 done, 1 error or a view failed.',
    );
  addTargetOptions(promote, 'from', 'source');
  addTargetOptions(promote, 'to', 'target');
  withConcurrency(promote)
    .option('--version <description>', 'cut a version of each view it publishes on the target')
    .option('--map-out <file>', 'write {source ARN (bare, :$LATEST, :N): target ARN} as JSON')
    .option('--yes', 'do not ask (required when not on a terminal)')
    .option('--json', 'print the plan as JSON instead of text')
    .action(async (options) => {
      await checkVersionDescription(options.version);
      const source = await makeTarget(flagsWithPrefix(options, 'from'));
      const target = await makeTarget(flagsWithPrefix(options, 'to'));
      const [{ planPromotion, applyPromotion, arnMap }, { hasChanges }, { renderDiff }] = await Promise.all([
        import('./promote.ts'),
        import('./plan.ts'),
        import('./structural-diff.ts'),
      ]);
      const progress = progressLine(io);
      const promotion = await planPromotion(source, target, { concurrency: options.concurrency, onProgress: progress.update }).finally(
        progress.clear,
      );
      // Views only in the target are not the source's business: they are not listed.
      const plan = { ...promotion.plan, entries: promotion.plan.entries.filter((entry) => entry.action !== 'extra') };
      plan.summary = { ...plan.summary, extra: 0 };
      print(io, options.json ? JSON.stringify(plan, null, 2) : renderPlanText(plan, color, renderDiff));
      if (hasChanges(plan) && !options.yes) {
        if (!io.stdinIsTTY) throw new Expected('promote changes the target: pass --yes to confirm (not on a terminal)');
        if (!(await confirm(io, 'Apply this plan to the target?'))) throw new Expected('nothing applied');
      }
      const result = await applyPromotion(
        target,
        { ...promotion, plan },
        {
          concurrency: options.concurrency,
          ...(options.version ? { version: options.version } : {}),
          onProgress: progress.update,
        },
      ).finally(progress.clear);
      reportApply(io, result, color);
      if (options.mapOut) {
        const { writeFile } = await import('node:fs/promises');
        const { prettyJson } = await import('./json.ts');
        const map = await arnMap(source, target, { ...promotion, plan }, { concurrency: options.concurrency });
        await writeFile(options.mapOut, prettyJson(map));
        print(io, `Wrote ${Object.keys(map).length} ARN mappings to ${options.mapOut}.`);
      }
      exit.code = result.summary.failed > 0 ? 1 : 0;
    });

  withConcurrency(
    addTargetOptions(program.command('history').description('the versions of VIEW (name, id or ARN) with time, description and sha')),
  )
    .argument('<view>', 'view name, id or ARN')
    .option('--json', 'as JSON')
    .action(async (ref, options) => {
      const target = await makeTarget(flagsWithPrefix(options, ''));
      const { viewHistory } = await import('./history.ts');
      const history = await viewHistory(target, ref, { concurrency: options.concurrency });
      if (options.json) {
        print(io, JSON.stringify(history, null, 2));
        return;
      }
      print(io, `${history.view.name} (${history.view.arn})`);
      for (const row of history.rows) {
        const time = row.time ? row.time.toISOString().replace('.000Z', 'Z') : '';
        print(
          io,
          `${row.label.padEnd(8)} ${time.padEnd(24)} ${row.sha.slice(0, 12)}  ${row.description ?? ''}` +
            `${row.marks.length ? `  [${row.marks.join(', ')}]` : ''}`,
        );
      }
    });

  addTargetOptions(
    program
      .command('diff')
      .description(
        'structural diff of VIEW between A and B, each :N, $LATEST, $SAVED or a view file.\nExit code: 0 same, 2 different, 1 error.',
      ),
  )
    .argument('<view>', 'view name, id or ARN')
    .argument('<a>', ':N, $LATEST, $SAVED or a file path')
    .argument('<b>', ':N, $LATEST, $SAVED or a file path')
    .option('--json', 'as JSON')
    .action(async (ref, a, b, options) => {
      const target = await makeTarget(flagsWithPrefix(options, ''));
      const [{ diffView }, { renderDiff }] = await Promise.all([import('./history.ts'), import('./structural-diff.ts')]);
      const { entries } = await diffView(target, ref, a, b);
      if (options.json) print(io, JSON.stringify(entries, null, 2));
      else print(io, entries.length === 0 ? 'No differences.' : renderDiff(entries, { color }));
      exit.code = entries.length === 0 ? 0 : 2;
    });

  addTargetOptions(
    program
      .command('rollback')
      .description('publish version N\'s content again and cut a new version "Rollback to version N" (history is never rewritten)'),
  )
    .argument('<view>', 'view name, id or ARN')
    .requiredOption('--to <n>', 'the version to roll back to', positiveInt)
    .option(
      '--discard-unversioned',
      'roll back even though content no version holds (an unpublished draft, published content never versioned) is lost',
    )
    .action(async (ref, options) => {
      const target = await makeTarget(flagsWithPrefix(options, ''));
      const { rollbackView } = await import('./history.ts');
      const result = await rollbackView(target, ref, options.to, { discardUnversioned: Boolean(options.discardUnversioned) });
      print(
        io,
        result.created
          ? `${result.view.name}: published version ${options.to}'s content as version ${result.version} ` +
              `("Rollback to version ${options.to}").`
          : `${result.view.name}: version ${result.version} already holds version ${options.to}'s content; nothing new cut.`,
      );
    });

  program
    .command('lint')
    .description(
      'check view files before publishing: each finding with rule, file, JSON pointer and reason.\nExit code: 1 on errors, else 0.',
    )
    .argument('[files...]', 'view files')
    .option('--dir <dir>', 'every *.view.json in this folder')
    .option('--json', 'findings as JSON')
    .action(async (files: string[], options) => {
      const { lintFile } = await import('./lint.ts');
      const paths = [...files];
      if (options.dir) {
        const { readdir } = await import('node:fs/promises');
        const { join } = await import('node:path');
        paths.push(
          ...(await readdir(options.dir))
            .filter((name) => name.endsWith('.view.json'))
            .sort()
            .map((name) => join(options.dir, name)),
        );
      }
      if (paths.length === 0) throw new Expected('lint needs files or --dir');
      const findings = (
        await Promise.all(
          paths.map((path) =>
            lintFile(path).catch((error) => [
              { rule: 'file-shape', severity: 'error' as const, pointer: '', message: (error as Error).message, file: path },
            ]),
          ),
        )
      ).flat();
      const errors = findings.filter((finding) => finding.severity === 'error').length;
      if (options.json) print(io, JSON.stringify(findings, null, 2));
      else {
        if (findings.length > 0) print(io, renderFindings(findings, color));
        print(io, `Lint: ${errors} errors, ${findings.length - errors} warnings in ${paths.length} files.`);
      }
      exit.code = errors > 0 ? 1 : 0;
    });

  program.addCommand(studioCommand());
  return program;
}

/** A failure of the file system (a missing folder, a file where a folder is meant, no permission): the user's to fix. */
function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  const err = error as NodeJS.ErrnoException | undefined;
  return typeof err?.code === 'string' && typeof err.syscall === 'string';
}

/** Node's message, with the path when Node left it out (EISDIR on a read names none). */
function fileSystemMessage(error: NodeJS.ErrnoException): string {
  const message = error.message.replace(/^Error: /, '');
  return error.path && !message.includes(error.path) ? `${error.path}: ${message}` : message;
}

/** Runs the command line; returns the exit code. Expected failures print one line and no stack. */
export async function main(
  argv: string[] = process.argv.slice(2),
  io: Io = { stdout: process.stdout, stderr: process.stderr, stdinIsTTY: Boolean(process.stdin.isTTY) },
): Promise<number> {
  const exit = { code: 0 };
  const program = buildProgram(io, exit);
  if (argv.length === 0) {
    program.outputHelp();
    return 0;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exit.code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    const { explainSdkError } = await import('./target.ts');
    const explained = explainSdkError(error);
    const err = error as Error & { $fault?: string };
    if (explained) io.stderr.write(`connect-views: ${explained}\n`);
    else if (isFileSystemError(error)) io.stderr.write(`connect-views: ${fileSystemMessage(error)}\n`);
    else if (EXPECTED_ERRORS.has(err?.name) || err?.$fault || error instanceof SyntaxError) {
      const prefix = err.name && err.name !== 'Error' && !EXPECTED_ERRORS.has(err.name) ? `${err.name}: ` : '';
      io.stderr.write(`connect-views: ${prefix}${err.message}\n`);
    } else io.stderr.write(`connect-views: unexpected failure\n${err?.stack ?? String(error)}\n`);
    return 1;
  }
}
