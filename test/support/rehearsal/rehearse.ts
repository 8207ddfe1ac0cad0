import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConnectClient, CreateViewVersionCommand, DeleteViewCommand } from '@aws-sdk/client-connect';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Server } from 'node:http';
import { createGateway } from '../../../emulator/gateway/gateway.ts';
import { listen } from '../../../emulator/gateway/http-server.ts';
import { resolve, type CfnTemplate, type Deployment } from '../../../emulator/iam/intrinsics.ts';
import { tableParameters } from '../../../emulator/iam/local-roles.ts';
import { Permissions } from '../../../emulator/iam/policy.ts';
import { functionNamed, permissionsOf, type TemplateFunction } from '../../../emulator/iam/template.ts';
import { FUNCTION_IDS, type ServiceFunctionName } from '../../../lib/function-ids.ts';
import { outboxPartition, purgeSk, viewPartition } from '#store/keys.ts';
import { createView } from '../fixtures.ts';
import { synthesizeService } from '../cdk-app.ts';
import { walkEveryOperation } from '../operation-walk.ts';
import { partitionKeys } from '../partition.ts';
import { IamLedger, startAwsStandIns, type StandIns } from './aws-stand-ins.ts';
import { EventSourceMapping } from './event-source.ts';
import { LambdaProcess } from './lambda-process.ts';
import { dynamoEndpoint } from '../service.ts';
import { seedItems, seededVersions } from '../table-seed.ts';

import type { ApiType } from '../../../emulator/gateway/api-types.ts';
/**
 * The deployment rehearsed as AWS would run it, short of an account: `cdk synth` bundles the three
 * functions; each bundle is loaded as Lambda loads it (Node.js 24, an ES module, the template's
 * handler and environment, the role's credentials); the table is created from the data stack's
 * template on DynamoDB Local; Secrets Manager, EventBridge, the X-Ray daemon and the event source
 * mappings are stand-ins. API Gateway proxy events drive all 13 operations, the stream drives both
 * consumers, and every AWS action any of it makes — each transaction item by its own action, and
 * what Lambda itself does with the role (logs, traces, stream reads, dead letters) — is checked
 * against the role the template gives the function, then compared with it in both directions.
 * Either API flavour (`-c apiType=rest|http`): the stack synthesized with it, the local gateway
 * behaving as that API Gateway.
 */
export function rehearseDeployment(apiType: ApiType): void {
  const region = 'us-east-1';
  const accountId = '000000000000';
  const outdir = mkdtempSync(join(tmpdir(), 'views-rehearsal-'));
  const tableName = `views-rehearsal-${randomUUID()}`;
  const tokenKey = 'a-rehearsal-pagination-key-0123456789';

  let template: CfnTemplate;
  let deployment: Deployment;
  let ledger: IamLedger;
  let standIns: StandIns;
  let gateway: Server;
  let client: ConnectClient;
  let documentClient: DynamoDBDocumentClient;
  const functions = {} as Record<ServiceFunctionName, { fn: TemplateFunction; process: LambdaProcess; logGroup: string }>;
  const consumers = {} as Record<'publisher' | 'purge', EventSourceMapping>;
  let poisoned: string | undefined;

  /** The table as the data stack declares it: keys, stream and TTL from its template. */
  async function createTableFromTemplate(dataTemplate: CfnTemplate, dynamo: DynamoDBClient): Promise<string> {
    const [table] = Object.values(dataTemplate.Resources).filter((resource) => resource.Type === 'AWS::DynamoDB::Table');
    const props = table!.Properties as Record<string, unknown>;
    const stream = props['StreamSpecification'] as { StreamViewType: 'NEW_IMAGE' };
    await dynamo.send(
      new CreateTableCommand({
        TableName: tableName,
        KeySchema: props['KeySchema'] as CreateTableCommandInput['KeySchema'],
        AttributeDefinitions: props['AttributeDefinitions'] as CreateTableCommandInput['AttributeDefinitions'],
        BillingMode: props['BillingMode'] as 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: stream.StreamViewType },
      }),
    );
    await waitUntilTableExists({ client: dynamo, maxWaitTime: 60 }, { TableName: tableName });
    const ttl = props['TimeToLiveSpecification'] as { AttributeName: string; Enabled: boolean };
    await dynamo.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: ttl }));
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
    return Table!.LatestStreamArn!;
  }

  before(async () => {
    const synthesized = synthesizeService({ 'aws:cdk:enable-asset-metadata': true, apiType }, { bundle: true, outdir });
    const assembly = synthesized.app.synth();
    template = assembly.getStackByName(synthesized.api.stackName).template as CfnTemplate;
    const dataTemplate = assembly.getStackByName(synthesized.data.stackName).template as CfnTemplate;

    const dynamo = new DynamoDBClient({
      endpoint: dynamoEndpoint(),
      region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    documentClient = DynamoDBDocumentClient.from(dynamo);
    const streamArn = await createTableFromTemplate(dataTemplate, dynamo);
    deployment = { partition: 'aws', region, accountId, ssm: tableParameters(template, { region, accountId, tableName, streamArn }) };

    const named = Object.fromEntries(
      (Object.keys(FUNCTION_IDS) as ServiceFunctionName[]).map((name) => [name, functionNamed(template, FUNCTION_IDS[name])]),
    ) as Record<ServiceFunctionName, TemplateFunction>;
    ledger = new IamLedger(
      Object.values(named).map((fn) => ({
        roleId: fn.roleId,
        principal: `arn:aws:sts::${accountId}:assumed-role/${fn.roleId}/${fn.logicalId}`,
        permissions: permissionsOf(template, fn, deployment),
      })),
    );
    const apiEnvironment = resolve(template, deployment, named.api.environment) as Record<string, string>;
    standIns = await startAwsStandIns({
      ledger,
      dynamoEndpoint: dynamoEndpoint(),
      ...deployment,
      secrets: { [apiEnvironment['PAGINATION_TOKEN_SECRET_ID']!]: tokenKey },
      refuseEvent: (entry) => poisoned !== undefined && entry.Detail.includes(poisoned),
    });

    for (const [name, fn] of Object.entries(named) as [ServiceFunctionName, TemplateFunction][]) {
      const resources = template.Resources[fn.logicalId] as { Metadata?: Record<string, string>; Properties: Record<string, unknown> };
      const logGroup = String(resolve(template, deployment, fn.logGroup));
      const process = await LambdaProcess.start({
        name: fn.logicalId,
        functionArn: `arn:aws:lambda:${region}:${accountId}:function:${fn.logicalId}`,
        codeDir: join(outdir, resources.Metadata!['aws:asset:path']!),
        handler: fn.handler,
        environment: resolve(template, deployment, fn.environment) as Record<string, string>,
        region,
        memoryMb: Number(resources.Properties['MemorySize']),
        logGroup,
        credentials: { accessKeyId: fn.roleId, secretAccessKey: 'rehearsal', sessionToken: 'rehearsal' },
        awsEndpoint: standIns.url,
        ...(fn.tracing === 'Active' ? { xrayDaemon: await standIns.xrayDaemon(fn.roleId) } : {}),
      });
      functions[name] = { fn, process, logGroup };
    }
    for (const name of ['publisher', 'purge'] as const) {
      const { fn, process } = functions[name];
      assert.equal(fn.eventSources.length, 1, `${name} has one event source`);
      const [source] = fn.eventSources;
      consumers[name] = new EventSourceMapping({
        source: source!,
        fn: process,
        roleId: fn.roleId,
        tableName,
        region,
        endpoint: standIns.url,
        ledger,
        ...(source!.onFailure ? { onFailure: String(resolve(template, deployment, source!.onFailure)) } : {}),
      });
    }

    // API Gateway: SigV4 for execute-api, the proxy event, a sampled trace header (a REST API
    // traces, an HTTP API does not), the function's timeout.
    const api = functions.api;
    gateway = createGateway({
      apiType,
      auth: { credentials: new Map([['rehearsal', 'rehearsal']]), region, services: ['execute-api'], maxSkewMs: 5 * 60 * 1000 },
      accountId,
      functionTimeoutMs: api.fn.timeoutSeconds * 1000,
      handler: async (event, context) => {
        const hex = (length: number) => randomUUID().replaceAll('-', '').slice(0, length);
        const traceId = `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${hex(24)};Parent=${hex(16)};Sampled=1`;
        const { result, error } = await api.process.invoke(event, {
          remainingMs: context.getRemainingTimeInMillis(),
          ...(api.fn.tracing === 'Active' ? { traceId } : {}),
          requestId: context.awsRequestId,
        });
        if (error) throw new Error(`${error.errorType}: ${error.errorMessage}`);
        return result as Awaited<ReturnType<Parameters<typeof createGateway>[0]['handler']>>;
      },
    });
    const url = await listen(gateway, 0);
    const config = {
      endpoint: url,
      region,
      credentials: { accessKeyId: 'rehearsal', secretAccessKey: 'rehearsal' },
      maxAttempts: 1,
      signingName: 'execute-api',
    };
    client = new ConnectClient(config);
  });

  after(async () => {
    client?.destroy();
    gateway?.closeAllConnections();
    await new Promise((resolveClose) => gateway?.close(resolveClose) ?? resolveClose(undefined));
    for (const consumer of Object.values(consumers)) consumer.stop();
    await Promise.all(Object.values(functions).map(({ process }) => process.stop()));
    await standIns?.stop();
    rmSync(outdir, { recursive: true, force: true });
  });

  describe(`the deployment (${apiType.toUpperCase()} API), rehearsed as AWS would run it`, () => {
    it('loads each function’s bundle on Node.js 24 as an ES module, with the template’s handler', () => {
      for (const { fn, process } of Object.values(functions)) {
        assert.equal(fn.runtime, 'nodejs24.x');
        assert.equal(fn.handler, 'index.handler');
        assert.match(process.node, /^v24\./, `${fn.logicalId} runs on ${process.node}`);
      }
    });

    it('answers all 13 operations through API Gateway proxy events, with the role the template gives it', async () => {
      const called = await walkEveryOperation(client);
      assert.equal(new Set(called.map((name) => name.split(' ')[0])).size, 13);
    });

    it('publishes an event for every committed change, and the purge worker empties a half-purged view', async (t) => {
      const instanceId = randomUUID();
      const large = await createView(client, instanceId);
      await seedItems(tableName, seededVersions(instanceId, large.Id!, 3000, 2), documentClient);
      await client.send(new DeleteViewCommand({ InstanceId: instanceId, ViewId: large.Id }));
      const left = (await partitionKeys(documentClient, tableName, viewPartition(instanceId, large.Id!))).length;
      t.diagnostic(`DeleteView left ${left} of 6,002 items to the purge worker`);
      assert.ok(left > 0, 'the view is half purged when DeleteView answers');

      const published = await consumers.publisher.drain();
      const kinds = standIns.events.map((event) => event.DetailType).sort();
      assert.deepEqual(kinds, ['View Deleted', 'View Deleted', 'View Version Deleted', 'View Version Published', 'View Version Published']);
      assert.ok(standIns.events.every((event) => event.Source === 'views.service'));
      const purged = await consumers.purge.drain();
      t.diagnostic(`publisher: ${published.invocations} invocations; purge worker: ${purged.invocations}`);
      assert.deepEqual(await partitionKeys(documentClient, tableName, viewPartition(instanceId, large.Id!)), []);
    });

    it('sends what a consumer cannot handle after its retries to its dead-letter queue', async () => {
      const instanceId = randomUUID();
      const view = await createView(client, instanceId);
      poisoned = view.Id!;
      await client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
      const publisher = await consumers.publisher.drain();
      assert.equal(publisher.deadLetters, 1);
      assert.equal(publisher.invocations, 11, 'the first attempt and the template’s 10 retries');
      poisoned = undefined;

      // A purge request for a view nobody deleted: the worker refuses it every time.
      const time = new Date().toISOString();
      await seedItems(
        tableName,
        [{ PK: outboxPartition(instanceId, view.Id!), SK: purgeSk(time, randomUUID()), kind: 'purge', instanceId, viewId: view.Id }],
        documentClient,
      );
      const purge = await consumers.purge.drain();
      assert.equal(purge.deadLetters, 1);
      assert.equal(purge.invocations, 101, 'the first attempt and the template’s 100 retries');
    });

    it('used exactly what the template grants each role: nothing refused, nothing granted unused, and every grant needed', async (t) => {
      // What Lambda does with the role of every function that ran: it writes the function's log (a
      // stream of the function's own group) and, where tracing is active, the daemon's telemetry.
      for (const { fn, process, logGroup } of Object.values(functions)) {
        if (process.log().length === 0) continue;
        const stream = `arn:aws:logs:${region}:${accountId}:log-group:${logGroup}:log-stream:2026/12/04/[$LATEST]rehearsal`;
        ledger.check(fn.roleId, { action: 'logs:CreateLogStream', resource: stream }, 'lambda');
        ledger.check(fn.roleId, { action: 'logs:PutLogEvents', resource: stream }, 'lambda');
        if (fn.tracing === 'Active') ledger.check(fn.roleId, { action: 'xray:PutTelemetryRecords', resource: '*' }, 'lambda');
      }
      const refused = ledger.entries
        .filter((entry) => !entry.allowed)
        .map((entry) => `${entry.roleId}: ${entry.access.action} on ${entry.access.resource}`);
      assert.deepEqual(refused, [], 'used but not granted');
      for (const { process } of Object.values(functions)) {
        assert.deepEqual(
          process.logLines().filter((line) => line['errorCode'] === 'MissingPermission'),
          [],
          `${process.name} logged no missing permission`,
        );
      }

      const table: string[] = [];
      for (const [name, { fn }] of Object.entries(functions)) {
        const role = ledger.role(fn.roleId);
        const used = ledger.used(fn.roleId);
        const unused = role.permissions.granted().filter((grant) => {
          const only = new Permissions([{ Effect: 'Allow', Action: grant.action, Resource: grant.resource }]);
          return !used.some((entry) => only.allows(entry.access));
        });
        assert.deepEqual(unused, [], `${name}: granted but not used`);
        // Taking any one granted action out of the role refuses something the rehearsal did.
        for (const grant of role.permissions.granted()) {
          const without = role.permissions.without(grant.action);
          assert.ok(
            used.some((entry) => !without.allows(entry.access)),
            `${name}: the rehearsal still passes without ${grant.action}`,
          );
        }
        const byAction = new Map<string, Set<string>>();
        for (const entry of used) byAction.set(entry.access.action, (byAction.get(entry.access.action) ?? new Set()).add(entry.by));
        for (const [action, by] of [...byAction].sort())
          table.push(`${name.padEnd(10)} ${action.padEnd(30)} used by ${[...by].join(' and ')}; granted`);
      }
      t.diagnostic(`used = granted, per function:\n${table.join('\n')}`);
    });
  });
}
