import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ListViewsCommand, type ConnectClient } from '@aws-sdk/client-connect';
import type { LocalService } from '../../emulator/service.ts';
import { SecretPageTokenKeys } from '../../lambda/page-token-keys.ts';
import { clientConfigFor, FakeSecretsManager } from '../support/fake-secrets-manager.ts';
import { createView, failure } from '../support/fixtures.ts';
import { connectClient, newInstanceId, startTestService } from '../support/service.ts';

/**
 * Two instances of the function on one table, keys read from one secret: one started before a
 * rotation (its keys cached), one after. A listing in flight survives the rotation whichever
 * instance serves each page.
 */
const secretId = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:page-tokens-AbCdEf';
const secrets = new FakeSecretsManager(secretId);
const tableName = `views-test-${randomUUID()}`;
let endpoint: string;
let earlier: { service: LocalService; client: ConnectClient };
let later: { service: LocalService; client: ConnectClient };
const instanceId = newInstanceId();

async function instance() {
  const service = await startTestService({
    tableName,
    tokenSecret: new SecretPageTokenKeys(secretId, { clientConfig: clientConfigFor(endpoint) }),
  });
  return { service, client: connectClient(service, { maxAttempts: 1 }) };
}

before(async () => {
  endpoint = await secrets.start();
  secrets.rotate('the-key-before-the-rotation');
  earlier = await instance();
  for (const name of ['a', 'b', 'c']) await createView(earlier.client, instanceId, { name });
});
after(async () => {
  for (const { service, client } of [earlier, later]) {
    client.destroy();
    await service.close();
  }
  await secrets.stop();
});

const page = (client: ConnectClient, NextToken?: string) =>
  client.send(new ListViewsCommand({ InstanceId: instanceId, MaxResults: 1, ...(NextToken ? { NextToken } : {}) }));

describe('NextTokens across a rotation of the secret', () => {
  it('a listing started before the rotation continues on an instance that read the new key, and back on one that had not', async () => {
    const first = await page(earlier.client);
    secrets.rotate('the-key-after-the-rotation!');
    later = await instance();
    const second = await page(later.client, first.NextToken);
    const third = await page(earlier.client, second.NextToken);
    const names = [first, second, third].map((p) => p.ViewsSummaryList![0]!.Name);
    assert.deepEqual(names, ['a', 'b', 'c']);
    assert.equal(third.NextToken, undefined);
  });

  it('still refuses a forged token on every instance', async () => {
    for (const { client } of [earlier, later]) {
      const error = await failure(page(client, 'Zm9yZ2Vk.bm90LWEtbWFj'));
      assert.equal(error.name, 'InvalidParameterException');
    }
  });
});
