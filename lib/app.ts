import type { App } from 'aws-cdk-lib';
import { ViewsApiStack } from './api-stack.ts';
import { ViewsDataStack } from './data-stack.ts';
import { readSettings } from './settings.ts';

/**
 * Both stacks of the service. The API stack depends on the data stack (deployed after it, never
 * before) but imports nothing from it: it reads the table from SSM parameters (lib/table-parameters.ts).
 */
export function addViewsService(app: App, prefix = 'ConnectViews') {
  const settings = readSettings(app.node);
  const env = { account: process.env['CDK_DEFAULT_ACCOUNT'], region: process.env['CDK_DEFAULT_REGION'] };
  const data = new ViewsDataStack(app, `${prefix}Data`, {
    env,
    parameterPrefix: prefix,
    description: 'Connect Views API: the DynamoDB table (retained)',
  });
  const api = new ViewsApiStack(app, `${prefix}Api`, {
    env,
    parameterPrefix: prefix,
    settings,
    description: 'Connect Views API: API Gateway, Lambda, alarms',
  });
  api.addStackDependency(data, 'the API reads the table from parameters the data stack writes');
  return { data, api, settings };
}
