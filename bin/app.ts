import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addViewsService } from '../lib/app.ts';
import { SettingsError } from '../lib/settings.ts';

/** `npx cdk synth|deploy`: the service's two stacks, checked by cdk-nag's AwsSolutions pack. */
const app = new App();
try {
  addViewsService(app);
} catch (error) {
  if (!(error instanceof SettingsError)) throw error;
  console.error(`\n${error.message}\n`);
  process.exit(1);
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
