import type { App } from 'aws-cdk-lib';
import { ViewsApiStack } from './api-stack.ts';
import { ViewsDataStack } from './data-stack.ts';
import { readSettings } from './settings.ts';

/** Both stacks of the service; the API stack depends on the data stack, never the other way round. */
export function addViewsService(app: App, prefix = 'ConnectViews') {
  const settings = readSettings(app.node);
  const env = { account: process.env['CDK_DEFAULT_ACCOUNT'], region: process.env['CDK_DEFAULT_REGION'] };
  const data = new ViewsDataStack(app, `${prefix}Data`, { env, description: 'Connect Views API: the DynamoDB table (retained)' });
  // Referencing the table makes the API stack depend on the data stack (deployed first, never after).
  const api = new ViewsApiStack(app, `${prefix}Api`, { env, table: data.table, settings, description: 'Connect Views API: API Gateway, Lambda, alarms' });
  return { data, api, settings };
}
