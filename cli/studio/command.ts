import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';

interface StudioFlags {
  instanceId: string;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  signingName?: string;
  port?: number;
  open: boolean;
}

function portNumber(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('a port number (0 picks a free one)');
  return port;
}

const escapeAttribute = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * As Jupyter does: the browser is opened on a file only this user can read, which sends it on to
 * the address, so the token never appears on a command line (every user of the machine can list
 * those). Removed when the studio stops.
 */
export async function openerFile(url: string): Promise<{ path: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'connect-views-studio-'));
  const path = join(dir, 'open.html');
  const href = escapeAttribute(url);
  const html =
    `<!doctype html>\n<meta charset="utf-8">\n<meta http-equiv="refresh" content="0;url=${href}">\n` +
    `<title>Views studio</title>\n<p><a href="${href}">Open the views studio</a></p>\n`;
  await writeFile(path, html, { mode: 0o600 });
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Whether the default browser is a snap (Ubuntu's default Firefox and Chromium) or a Flatpak: each
 * has a /tmp of its own and cannot read the opener file (jupyter/notebook#5479).
 */
export function defaultBrowserIsSandboxed(platform: NodeJS.Platform = process.platform, ask = askDefaultBrowser): boolean {
  if (platform !== 'linux') return false;
  const browser = ask().trim();
  // Snap: `firefox_firefox.desktop`; Flatpak (its /tmp is its own too): `org.mozilla.firefox.desktop`.
  return /^[a-z0-9-]+_[a-z0-9-]+\.desktop$/i.test(browser) || /^[a-z0-9_-]+(\.[a-z0-9_-]+){2,}\.desktop$/i.test(browser);
}

function askDefaultBrowser(): string {
  try {
    return execFileSync('xdg-settings', ['get', 'default-web-browser'], {
      encoding: 'utf8',
      timeout: 2000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return '';
  }
}

/**
 * The system's own opener: `open` (the npm package) brings six dependencies for what is one spawn
 * on each platform. Failing to open is not an error: the address is printed.
 */
export function openBrowser(url: string, platform: NodeJS.Platform = process.platform): void {
  const [command, args] =
    platform === 'darwin' ? ['open', [url]] : platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => console.error('Could not open a browser: open the address above.'));
    child.unref();
  } catch {
    console.error('Could not open a browser: open the address above.');
  }
}

/** `connect-views studio`: registered by cli/command.ts with `program.addCommand(studioCommand())`. */
export function studioCommand(): Command {
  return new Command('studio')
    .description('see every view, its versions and what changed between them, in the browser (served on 127.0.0.1)')
    .requiredOption('--instance-id <id>', 'the Connect instance: its id or its instance ARN')
    .option('--region <region>', "AWS region (default: the instance ARN's, then AWS_REGION, then the profile's)")
    .option('--profile <name>', 'AWS profile for credentials and region')
    .option('--endpoint-url <url>', 'Connect endpoint: the self-hosted API or the local emulator')
    .option('--signing-name <name>', 'SigV4 service name (execute-api is chosen by itself for an API Gateway host)')
    .option('--port <n>', 'port on 127.0.0.1 (default: a free one)', portNumber)
    .option('--no-open', 'print the address but do not open a browser')
    .addHelpText(
      'after',
      `
The address it prints holds a random access token: anyone with it can read and publish views with
your credentials until the studio stops. The studio answers only on 127.0.0.1, only to that token,
and never to another web page (docs/studio.md). Ctrl-C stops it.`,
    )
    .action(async (flags: StudioFlags) => {
      // Loaded when the studio starts, not when any command's --help is printed: the SDK takes time to load.
      const [{ ListViewsCommand }, { explainSdkError, targetFromOptions, TargetError }, { startStudio }] = await Promise.all([
        import('@aws-sdk/client-connect'),
        import('../target.ts'),
        import('./server.ts'),
      ]);
      try {
        const target = targetFromOptions({
          instanceId: flags.instanceId,
          ...(flags.region ? { region: flags.region } : {}),
          ...(flags.profile ? { profile: flags.profile } : {}),
          ...(flags.endpointUrl ? { endpointUrl: flags.endpointUrl } : {}),
          ...(flags.signingName ? { signingName: flags.signingName } : {}),
        });
        // One read before serving: no credentials, no region or a wrong endpoint is said here, once, not on every page.
        await target.client.send(new ListViewsCommand({ InstanceId: target.instanceId, MaxResults: 1 }));
        const studio = await startStudio({ target, port: flags.port ?? 0 });
        console.log(`Views studio for instance ${target.instanceId}\n  ${studio.url}\nCtrl-C stops it.`);
        // A sandboxed browser is given the address itself: its token is then on a command line
        // (docs/studio.md says whose and for how long), which is better than a page that cannot open.
        const direct = flags.open && defaultBrowserIsSandboxed();
        const opener = flags.open && !direct ? await openerFile(studio.url) : undefined;
        if (opener) openBrowser(opener.path);
        else if (direct) openBrowser(studio.url);
        const stop = () => {
          void Promise.all([studio.close(), opener?.remove()]).then(() => {
            target.client.destroy();
            process.exit(0);
          });
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      } catch (error) {
        const taken = (error as { code?: string }).code === 'EADDRINUSE';
        const message = taken
          ? `port ${flags.port} is taken: choose another with --port, or leave it out for a free one.`
          : error instanceof TargetError
            ? error.message
            : (explainSdkError(error) ?? (error as Error).message);
        console.error(`studio: ${message}`);
        process.exitCode = 1;
      }
    });
}
