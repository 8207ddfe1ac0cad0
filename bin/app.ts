import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addViewsService } from '../lib/app.ts';

/** `npx cdk synth|deploy`: the service's two stacks, checked by cdk-nag's AwsSolutions pack. */
const app = new App();
addViewsService(app);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
