import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  ConnectClient,
  CreateViewCommand,
  CreateViewVersionCommand,
  DeleteViewCommand,
  DescribeViewCommand,
  ListViewVersionsCommand,
  UpdateViewContentCommand,
} from '@aws-sdk/client-connect';

/**
 * `npm run smoke -- --endpoint URL [--region R] [--instance ID]`: walks create → update → publish →
 * version → describe → delete against a deployed stage (or the local gateway), signing with the
 * caller's AWS credentials (the SDK's default chain: environment, profile, SSO, instance role) —
 * or, against a local endpoint without AWS_ACCESS_KEY_ID set, with the local service's own
 * (LOCAL_ACCESS_KEY_ID / LOCAL_SECRET_ACCESS_KEY, default test / test).
 * Exits 1 at the first step that does not behave, after deleting what it created.
 */
const { values } = parseArgs({
  options: {
    endpoint: { type: 'string' },
    region: { type: 'string' },
    instance: { type: 'string', default: 'smoke-test' },
  },
});
if (!values.endpoint) {
  console.error('usage: npm run smoke -- --endpoint https://ID.execute-api.REGION.amazonaws.com/prod [--region REGION] [--instance ID]');
  process.exit(2);
}
const region =
  values.region ?? /execute-api\.([a-z0-9-]+)\.amazonaws/.exec(values.endpoint)?.[1] ?? process.env['AWS_REGION'] ?? 'us-east-1';
const local = ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(values.endpoint).hostname);
const env = process.env;
const credentials =
  local && !env['AWS_ACCESS_KEY_ID']
    ? { credentials: { accessKeyId: env['LOCAL_ACCESS_KEY_ID'] ?? 'test', secretAccessKey: env['LOCAL_SECRET_ACCESS_KEY'] ?? 'test' } }
    : {};
// execute-api is what API Gateway requires of a deployed stage; the local gateway accepts it too.
const config = { endpoint: values.endpoint, region, signingName: 'execute-api', maxAttempts: 2, ...credentials };
const connect = new ConnectClient(config);
const instanceId = values.instance!;

function check(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(`unexpected: ${what}`);
}

async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    const result = await run();
    console.log(`ok    ${name} (${Math.round(performance.now() - started)} ms)`);
    return result;
  } catch (error) {
    console.log(`FAIL  ${name}: ${(error as Error).name}: ${(error as Error).message}`);
    throw error;
  }
}

let viewId: string | undefined;
let failed = false;
console.log(`Smoke test of ${values.endpoint} (region ${region}, instance ${instanceId})`);
try {
  const template = (marker: string) => JSON.stringify({ Head: { Title: '$.Title' }, Body: [{ Text: marker }] });
  const created = await step('CreateView (SAVED)', async () => {
    const { View } = await connect.send(
      new CreateViewCommand({
        InstanceId: instanceId,
        Name: `smoke-${randomUUID()}`,
        Status: 'SAVED',
        Content: { Template: template('draft') },
        ClientToken: randomUUID(),
      }),
    );
    check(View?.Id && View.Status === 'SAVED', 'CreateView returned no SAVED view');
    return View;
  });
  viewId = created.Id!;

  const published = await step('UpdateViewContent (PUBLISHED)', async () => {
    const { View } = await connect.send(
      new UpdateViewContentCommand({
        InstanceId: instanceId,
        ViewId: viewId,
        Status: 'PUBLISHED',
        Content: { Template: template('v1'), Actions: ['Submit'] },
      }),
    );
    check(View?.ViewContentSha256?.length === 64, 'no ViewContentSha256 after publishing');
    return View;
  });

  const version = await step('CreateViewVersion (with the published sha)', async () => {
    const { View } = await connect.send(
      new CreateViewVersionCommand({
        InstanceId: instanceId,
        ViewId: viewId,
        VersionDescription: 'smoke',
        ViewContentSha256: published.ViewContentSha256,
      }),
    );
    check(View?.Version === 1, `expected version 1, got ${View?.Version}`);
    return View;
  });

  await step('CreateViewVersion again (unchanged: same version)', async () => {
    const { View } = await connect.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: viewId }));
    check(View?.Version === version.Version, 'unchanged content minted a new version');
  });

  await step('DescribeView (:1)', async () => {
    const { View } = await connect.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${viewId}:1` }));
    check(View?.Content?.Template === template('v1'), 'version 1 does not hold the published template');
    check(View.VersionDescription === 'smoke', 'version description lost');
  });

  await step('ListViewVersions', async () => {
    const { ViewVersionSummaryList } = await connect.send(new ListViewVersionsCommand({ InstanceId: instanceId, ViewId: viewId }));
    check(ViewVersionSummaryList?.map((v) => v.Version).join() === '1', 'version list is not [1]');
  });

  await step('DeleteView', async () => {
    await connect.send(new DeleteViewCommand({ InstanceId: instanceId, ViewId: viewId }));
    viewId = undefined;
  });

  await step('DescribeView after delete (ResourceNotFoundException)', async () => {
    const error = await connect.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: created.Id })).then(
      () => undefined,
      (e: Error) => e,
    );
    check(error?.name === 'ResourceNotFoundException', `expected ResourceNotFoundException, got ${error?.name ?? 'the view'}`);
  });
  console.log('Smoke test passed.');
} catch {
  failed = true;
} finally {
  if (viewId) await connect.send(new DeleteViewCommand({ InstanceId: instanceId, ViewId: viewId })).catch(() => undefined);
  connect.destroy();
}
process.exit(failed ? 1 : 0);
