import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { CfnTemplate } from '../emulator/iam/intrinsics.ts';
import { addViewsService } from './app.ts';

/**
 * The API stack's CloudFormation template as `cdk synth` makes it, without bundling the functions
 * or validating (about a second): what the local stack reads its functions' IAM roles from.
 */
export function synthesizeApiTemplate(context: Record<string, unknown> = {}): CfnTemplate {
  const outdir = mkdtempSync(join(tmpdir(), 'views-template-'));
  try {
    const app = new App({
      outdir,
      builtinCloudFormationValidation: false,
      context: { 'aws:cdk:bundling-stacks': [], allowNoAlarmDestination: true, ...context },
    });
    const { api } = addViewsService(app);
    return app.synth().getStackByName(api.stackName).template as CfnTemplate;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
