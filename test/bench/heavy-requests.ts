import { randomUUID } from 'node:crypto';
import type { LocalService } from '../../emulator/service.ts';
import { instancePartition, listingSk } from '#store/keys.ts';
import { deepReferences, largestAcceptedDeepReferences } from '../support/deep-references.ts';
import { send, type RawRequest } from '../support/signed-http.ts';
import { ms, table } from './stats.ts';

/**
 * The most expensive requests a caller can send, each at the documented bounds (or far past them,
 * to be refused): what one of them costs the handler is what one request can cost a Lambda.
 * Goal: about a second at most on this machine.
 */
export interface HeavyRequestsResult {
  title: string;
  body: string;
  worstMs: number;
}

type Seeder = (items: Record<string, unknown>[]) => Promise<void>;

export async function heavyRequests(
  service: LocalService,
  seed: Seeder,
  handlerLatency: (operation: string) => number | undefined,
): Promise<HeavyRequestsResult> {
  const searchInstance = randomUUID();
  // 1,000 views whose 4,096-character descriptions all but match every condition: the costliest listing to search.
  const now = Date.now();
  await seed(
    Array.from({ length: 1000 }, (_, i) => {
      const name = `heavy-${String(i).padStart(4, '0')}`;
      return {
        PK: instancePartition(searchInstance),
        SK: listingSk('CUSTOMER_MANAGED', name),
        kind: 'listing',
        viewId: randomUUID(),
        name,
        description: 'a'.repeat(4096),
        type: 'CUSTOMER_MANAGED',
        status: 'PUBLISHED',
        tags: [],
        createdTime: now,
        lastModifiedTime: now,
      };
    }),
  );
  const contains = {
    StringCondition: { FieldName: 'description', Value: `${'a'.repeat(1000)}b${'a'.repeat(1000)}`, ComparisonType: 'CONTAINS' },
  };
  // Nothing matches, so every one of the 42 conditions is evaluated for every view.
  const fullCriteria = { OrConditions: Array.from({ length: 7 }, () => ({ OrConditions: Array.from({ length: 6 }, () => contains) })) };
  const instanceId = `heavy-${randomUUID()}`;
  const createView = (name: string, template: string, extra: Record<string, unknown> = {}): RawRequest => ({
    method: 'PUT',
    path: `/views/${instanceId}`,
    body: JSON.stringify({ Name: name, Status: 'PUBLISHED', Content: { Template: template, Actions: ['Submit'] }, ...extra }),
  });

  const cases: [string, string, RawRequest][] = [
    [
      'SearchViews, 1,200,000 empty conditions (3.6 MB body): refused',
      'SearchViews',
      {
        method: 'POST',
        path: '/search-views',
        body: JSON.stringify({
          InstanceId: searchInstance,
          SearchCriteria: { AndConditions: Array.from({ length: 1_200_000 }, () => ({})) },
        }),
      },
    ],
    [
      'SearchViews at the bounds: 42 CONTAINS conditions of 2,001 characters that all but match 1,000 descriptions of 4,096',
      'SearchViews',
      { method: 'POST', path: '/search-views', body: JSON.stringify({ InstanceId: searchInstance, SearchCriteria: fullCriteria }) },
    ],
    [
      'CreateView, 398 kB of deep input references (an 8 MB InputSchema): refused',
      'CreateView',
      createView('attack', deepReferences(5500)),
    ],
    [
      'CreateView, deep input references just within the response limit',
      'CreateView',
      createView('largest-schema', deepReferences(largestAcceptedDeepReferences())),
    ],
    ['CreateView, 400 KiB template', 'CreateView', createView('largest-template', JSON.stringify({ text: 'x'.repeat(409_580) }))],
    [
      'CreateView, 4,096-character Description failing at its last character',
      'CreateView',
      createView('description', '{}', { Description: `${'a'.repeat(4095)}!` }),
    ],
  ];

  const rows: (string | number)[][] = [];
  let worstMs = 0;
  for (const [label, operation, request] of cases) {
    const response = await send(service, request);
    const latency = handlerLatency(operation) ?? Number.NaN;
    worstMs = Math.max(worstMs, latency);
    rows.push([label, `${response.status} ${response.headers.get('x-amzn-errortype') ?? ''}`.trim(), `**${ms(latency)}**`]);
  }
  return {
    title: 'Heaviest requests',
    worstMs,
    body:
      `What the costliest requests a caller can make cost the handler (its own latency, from its request log line), each once, ` +
      `on this machine with DynamoDB Local. SearchViews' condition bounds are checked before anything walks the request; ` +
      `content whose InputSchema would outgrow the response limit is refused while the schema is being ` +
      `generated.\n\n${table(['Request', 'Answer', 'Handler (ms)'], rows)}`,
  };
}
