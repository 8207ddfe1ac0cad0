import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import * as connect from '@aws-sdk/client-connect';
import type { View } from '@aws-sdk/client-connect';
import { operation, shape, type OperationName } from '#domain/model.ts';
import { API_REFERENCE_CONSTRAINTS } from '../support/api-reference.ts';
import { createView } from '../support/fixtures.ts';
import { newInstanceId, useTestService } from '../support/service.ts';

/**
 * Every constrained member of every operation, through the official client: at each documented
 * bound the request is accepted (it may still fail for another reason, never for that member's
 * bound), one past it InvalidParameterException naming the member and the bound. The bounds come
 * from the API reference (test/support/api-reference.ts), not from the model the service validates with.
 */
const ctx = useTestService();
const instanceId = newInstanceId();
const searchInstance = randomUUID();
let view: View;

type Input = Record<string, unknown>;

/** A request that passes validation, for each operation. */
function validInput(name: OperationName): Input {
  const ids = { InstanceId: instanceId, ViewId: view.Id };
  const content = { Template: '{}', Actions: ['Submit'] };
  switch (name) {
    case 'CreateView':
      return {
        InstanceId: instanceId,
        Name: `n-${randomUUID()}`,
        Status: 'SAVED',
        Content: content,
        Description: 'd',
        ClientToken: randomUUID(),
        Tags: { k: 'v' },
      };
    case 'UpdateViewContent':
      return { ...ids, Status: 'SAVED', Content: content };
    case 'UpdateViewMetadata':
      return { ...ids, Description: 'd' };
    case 'DeleteView':
      return { InstanceId: instanceId, ViewId: 'no-such-view' };
    case 'CreateViewVersion':
      return { ...ids, VersionDescription: 'v', ViewContentSha256: view.ViewContentSha256 };
    case 'ListViewVersions':
      return { ...ids, MaxResults: 1 };
    case 'DeleteViewVersion':
      return { ...ids, ViewVersion: 99 };
    case 'ListViews':
      return { InstanceId: instanceId, MaxResults: 1 };
    case 'TagResource':
      return { resourceArn: view.Arn, tags: { k: 'v' } };
    case 'UntagResource':
      return { resourceArn: view.Arn, tagKeys: ['nothing'] };
    case 'ListTagsForResource':
      return { resourceArn: view.Arn };
    case 'SearchViews':
      return { InstanceId: searchInstance, MaxResults: 1 };
    default:
      return ids;
  }
}

/** A value of `length` characters that the shape's pattern accepts. */
function text(shapeName: string, length: number): string {
  if (shapeName === 'InstanceIdOrArn') return length === 0 ? '' : randomUUID();
  return 'a'.repeat(length);
}

interface Case {
  operation: OperationName;
  /** Where the value goes, as the error message names it. */
  member: string;
  set: (input: Input, value: unknown) => void;
  shapeName: string;
  /** How a value of size n is made: a string of n characters, the number n, or a list or map of n entries. */
  valueOf: (n: number) => unknown;
}

function casesFor(name: OperationName): Case[] {
  const cases: Case[] = [];
  const input = shape(operation(name).input!.shape);
  for (const [member, ref] of Object.entries(input.members ?? {})) {
    const s = shape(ref.shape);
    const top = (input: Input, value: unknown) => (input[member] = value);
    if (s.type === 'string') cases.push({ operation: name, member, set: top, shapeName: ref.shape, valueOf: (n) => text(ref.shape, n) });
    if (s.type === 'integer') cases.push({ operation: name, member, set: top, shapeName: ref.shape, valueOf: (n) => n });
    if (s.type === 'map') {
      cases.push({
        operation: name,
        member,
        set: top,
        shapeName: ref.shape,
        valueOf: (n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v'])),
      });
      cases.push({
        operation: name,
        member: `${member} key`,
        set: top,
        shapeName: s.key!.shape,
        valueOf: (n) => ({ [text(s.key!.shape, n)]: 'v' }),
      });
      cases.push({
        operation: name,
        member: `${member}.k`,
        set: top,
        shapeName: s.value!.shape,
        valueOf: (n) => ({ k: text(s.value!.shape, n) }),
      });
    }
    if (s.type === 'list') {
      cases.push({ operation: name, member, set: top, shapeName: ref.shape, valueOf: (n) => Array.from({ length: n }, (_, i) => `k${i}`) });
      cases.push({
        operation: name,
        member: `${member}[0]`,
        set: top,
        shapeName: s.member!.shape,
        valueOf: (n) => [text(s.member!.shape, n)],
      });
    }
    if (member === 'Content') {
      const actions = (input: Input, value: unknown) => (input['Content'] = { Template: '{}', Actions: value });
      cases.push({
        operation: name,
        member: 'Content.Actions[0]',
        set: actions,
        shapeName: 'ViewAction',
        valueOf: (n) => [text('ViewAction', n)],
      });
    }
  }
  return cases.filter((c) => API_REFERENCE_CONSTRAINTS[c.shapeName] !== undefined);
}

async function call(name: OperationName, input: Input): Promise<{ errorType?: string; message?: string }> {
  const Command = (connect as unknown as Record<string, new (input: Input) => never>)[`${name}Command`]!;
  try {
    await ctx.client.send(new Command(input) as never);
    return {};
  } catch (error) {
    return { errorType: (error as Error).name, message: (error as Error).message };
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const OPERATIONS: OperationName[] = [
  'CreateView',
  'DescribeView',
  'UpdateViewContent',
  'UpdateViewMetadata',
  'DeleteView',
  'CreateViewVersion',
  'ListViewVersions',
  'DeleteViewVersion',
  'ListViews',
  'TagResource',
  'UntagResource',
  'ListTagsForResource',
  'SearchViews',
];

describe('every constrained member at its bounds', () => {
  before(async () => {
    view = await createView(ctx.client, instanceId, { name: 'boundaries' });
  });

  for (const name of OPERATIONS) {
    it(`${name}: accepted at each bound, InvalidParameterException one past it`, async (t) => {
      const cases = casesFor(name);
      let checked = 0;
      for (const c of cases) {
        const { min, max } = API_REFERENCE_CONSTRAINTS[c.shapeName]!;
        // Query lists cannot be sent empty, and a UUID cannot be made 250 characters long.
        const skipMin = c.shapeName === 'TagKeyList';
        const skipMax = c.shapeName === 'InstanceIdOrArn';
        const bounds: [number, number, string][] = [];
        if (max !== undefined && !skipMax) bounds.push([max, max + 1, `at most ${max}`]);
        if (min !== undefined && min > 0 && !skipMin) bounds.push([min, min - 1, `at least ${min}`]);
        for (const [at, past, phrase] of bounds) {
          const accepted = validInput(name);
          c.set(accepted, c.valueOf(at));
          const outcome = await call(name, accepted);
          // Another refusal is fine here (an unknown view, a NextToken this service never issued); one for the bound is not.
          const forItsBound = new RegExp(`Invalid parameter ${escapeRegExp(c.member)}: must (have|be) at (most|least)`);
          assert.ok(
            outcome.errorType !== 'InvalidParameterException' || !forItsBound.test(outcome.message!),
            `${name} ${c.member} = ${at}: refused (${outcome.message})`,
          );
          const refused = validInput(name);
          c.set(refused, c.valueOf(past));
          const error = await call(name, refused);
          assert.equal(error.errorType, 'InvalidParameterException', `${name} ${c.member} = ${past}: ${JSON.stringify(error)}`);
          // An empty path label is refused by the route ("is required"), everything else by its bound.
          const emptyLabel = past === 0 && operation(name).http.requestUri.includes(`{${c.member}}`);
          assert.match(
            error.message!,
            new RegExp(`${escapeRegExp(c.member.split(/[ .[]/)[0]!)}.*${emptyLabel ? '' : escapeRegExp(phrase)}`),
            `${name} ${c.member} = ${past}`,
          );
          checked++;
        }
      }
      t.diagnostic(`${checked} bounds of ${cases.length} constrained members`);
      assert.equal(checked > 0, cases.length > 0);
    });
  }
});
