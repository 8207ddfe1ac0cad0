import { execFile } from 'node:child_process';
import type { LocalService } from '../../emulator/service.ts';
import { targetFromOptions, type Target } from '../../cli/target.ts';

/** The tool's target for an instance of a local service: nothing but the endpoint and the local credentials. */
export function localTarget(service: LocalService, instanceId: string): Target {
  return targetFromOptions({
    instanceId,
    endpointUrl: service.url,
    region: service.region,
    credentials: { accessKeyId: service.accessKeyId, secretAccessKey: service.secretAccessKey },
  });
}

export interface CommandRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real command, as a user runs it: `node bin/connect-views.ts …`, credentials from the environment. */
export function runCommand(
  service: LocalService,
  args: string[],
  options: { env?: Record<string, string>; unset?: string[] } = {},
): Promise<CommandRun> {
  const { AWS_PROFILE: _profile, ...inherited } = process.env;
  for (const name of options.unset ?? []) delete inherited[name];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/connect-views.ts', ...args],
      {
        env: {
          ...inherited,
          AWS_ACCESS_KEY_ID: service.accessKeyId,
          AWS_SECRET_ACCESS_KEY: service.secretAccessKey,
          NO_COLOR: '1',
          ...options.env,
        },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** `--endpoint-url URL --region R --instance-id I`, as typed. */
export function targetArgs(service: LocalService, instanceId: string, prefix = ''): string[] {
  const flag = (name: string) => (prefix ? `--${prefix}-${name}` : `--${name}`);
  return [flag('endpoint-url'), service.url, flag('region'), service.region, flag('instance-id'), instanceId];
}
