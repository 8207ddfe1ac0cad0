import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateViewCommand, UpdateViewContentCommand, type ConnectClient } from '@aws-sdk/client-connect';
import type { LocalService } from '../../emulator/service.ts';
import { failure } from '../support/fixtures.ts';
import { connectClient, newInstanceId, startTestService, useTestService } from '../support/service.ts';

/** The emulator's opt-in strict mode: publishing runs `connect-views lint`'s error rules. */
const strict = useTestService({ strictPublish: true });
let lenient: LocalService;
let lenientClient: ConnectClient;
before(async () => {
  lenient = await startTestService();
  lenientClient = connectClient(lenient);
});
after(async () => {
  lenientClient.destroy();
  await lenient.close();
});

const raisesUndeclared = JSON.stringify({ Body: [{ Type: 'Button', Props: { Action: 'Escalate', Label: 'Help' } }] });
const embedded = JSON.stringify({ Head: { Title: 'Hello $.Customer.Name' } });

describe('strict publish', () => {
  it('refuses to publish a template that fails an error rule, naming the rule; saving a draft is not refused', async () => {
    const instanceId = newInstanceId();
    const refused = await failure(
      strict.client.send(
        new CreateViewCommand({
          InstanceId: instanceId,
          Name: 'bad',
          Status: 'PUBLISHED',
          Content: { Template: raisesUndeclared, Actions: [] },
        }),
      ),
    );
    assert.equal(refused.name, 'InvalidRequestException');
    assert.match(refused.message, /rule undeclared-action at Content\/Template\/Body\/0\/Props\/Action/);

    const { View } = await strict.client.send(
      new CreateViewCommand({ InstanceId: instanceId, Name: 'draft', Status: 'SAVED', Content: { Template: embedded, Actions: [] } }),
    );
    const update = await failure(
      strict.client.send(
        new UpdateViewContentCommand({
          InstanceId: instanceId,
          ViewId: View!.Id,
          Status: 'PUBLISHED',
          Content: { Template: embedded, Actions: [] },
        }),
      ),
    );
    assert.equal(update.name, 'InvalidRequestException');
    assert.match(update.message, /rule embedded-reference/);

    // A warning (an action nothing raises) does not refuse; a clean template publishes.
    const clean = JSON.stringify({ Head: { Title: '$.Customer.Name' }, Body: [{ Type: 'Button', Props: { Action: 'Next' } }] });
    await strict.client.send(
      new UpdateViewContentCommand({
        InstanceId: instanceId,
        ViewId: View!.Id,
        Status: 'PUBLISHED',
        Content: { Template: clean, Actions: ['Next', 'Unused'] },
      }),
    );
  });

  it('is off by default: the same templates publish', async () => {
    const instanceId = newInstanceId();
    for (const [name, template] of [
      ['undeclared', raisesUndeclared],
      ['embedded', embedded],
    ] as const) {
      const { View } = await lenientClient.send(
        new CreateViewCommand({ InstanceId: instanceId, Name: name, Status: 'PUBLISHED', Content: { Template: template, Actions: [] } }),
      );
      assert.equal(View!.Status, 'PUBLISHED');
    }
  });
});
