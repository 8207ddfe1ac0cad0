import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Logger } from '@aws-lambda-powertools/logger';
import { TagResourceCommand } from '@aws-sdk/client-connect';
import type { LocalService } from '../../emulator/service.ts';
import { localGuard } from '../../emulator/iam/local-roles.ts';
import { guardDynamoDb } from '../../emulator/iam/sdk-guard.ts';
import type { CfnTemplate } from '../../emulator/iam/intrinsics.ts';
import { FUNCTION_IDS } from '../../lib/function-ids.ts';
import { createDocumentClient } from '#store/client.ts';
import { createView, failure } from '../support/fixtures.ts';
import { grantedDynamoDbActions, serviceTemplate, withoutAction } from '../support/iam-template.ts';
import { captureLogLines } from '../support/log-capture.ts';
import { walkEveryOperation } from '../support/operation-walk.ts';
import { connectClient, dynamoEndpoint, newInstanceId, startTestService } from '../support/service.ts';

/**
 * IAM as AWS enforces it: the local stack refuses every DynamoDB call (each transaction item by its
 * own action) that the synthesized template does not grant the function's role, as DynamoDB does
 * with AccessDeniedException. So a grant missing from the template fails here, not in production.
 */
let template: CfnTemplate;
let tableName: string;
let base: LocalService;
before(async () => {
  template = await serviceTemplate();
  base = await startTestService();
  tableName = base.tableName;
});
after(() => base.close());

/** A service on the shared table whose handler's role is the given template's. */
async function serviceWith(iam: CfnTemplate, logger?: Logger) {
  const service = await startTestService({ tableName, iam, ...(logger ? { logger } : {}) });
  return { service, client: connectClient(service, { maxAttempts: 1 }) };
}

describe('IAM of the handler’s role, as the synthesized template grants it', () => {
  it('allows every call a walk through all 13 operations makes, and the walk uses every DynamoDB action granted', async () => {
    const guard = localGuard(template, 'api', { region: base.region, accountId: base.accountId, tableName });
    const used = new Set<string>();
    const denied: string[] = [];
    const documentClient = createDocumentClient({
      endpoint: dynamoEndpoint(),
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    guardDynamoDb(documentClient, {
      ...guard,
      record: (access, allowed) => (allowed ? used.add(access.action) : denied.push(access.action)),
    });
    // This client is guarded (and recorded) here, so the service adds no guard of its own.
    const service = await startTestService({ tableName, documentClient, iam: undefined });
    const client = connectClient(service, { maxAttempts: 1 });
    try {
      const called = await walkEveryOperation(client);
      assert.equal(new Set(called.map((name) => name.split(' ')[0])).size, 13, 'every operation');
    } finally {
      client.destroy();
      await service.close();
    }
    assert.deepEqual(denied, []);
    assert.deepEqual([...used].sort(), grantedDynamoDbActions(template, FUNCTION_IDS.api), 'used = granted');
  });

  it('refuses a ConditionCheck item the role lacks: a repeated tag fails as on AWS, logged as a missing permission', async () => {
    const capture = captureLogLines();
    const { service, client } = await serviceWith(
      withoutAction(template, FUNCTION_IDS.api, 'dynamodb:ConditionCheckItem'),
      new Logger({ serviceName: 'iam-test', logLevel: 'INFO' }),
    );
    try {
      const view = await createView(client, newInstanceId(), { tags: { team: 'a' } });
      await client.send(new TagResourceCommand({ resourceArn: view.Arn!, tags: { team: 'b' } }));
      const error = await failure(client.send(new TagResourceCommand({ resourceArn: view.Arn!, tags: { team: 'b' } })));
      assert.equal(error.name, 'InternalServiceException');
      assert.equal(error.$metadata.httpStatusCode, 500);
      const logged = capture.lines.find((line) => line['errorCode'] === 'MissingPermission');
      assert.ok(logged, 'a MissingPermission line');
      assert.equal(logged['action'], 'dynamodb:ConditionCheckItem');
      assert.match(String(logged['resource']), new RegExp(`:table/${tableName}$`));
      assert.equal(logged['operation'], 'TagResource');
    } finally {
      capture.stop();
      client.destroy();
      await service.close();
    }
  });

  it('fails the walk when any one DynamoDB action is taken out of the role', async () => {
    const actions = grantedDynamoDbActions(template, FUNCTION_IDS.api);
    assert.ok(actions.includes('dynamodb:ConditionCheckItem'));
    for (const action of actions) {
      const { service, client } = await serviceWith(withoutAction(template, FUNCTION_IDS.api, action));
      try {
        const error = await failure(walkEveryOperation(client));
        assert.equal(error.name, 'InternalServiceException', `without ${action}: ${error.message}`);
      } finally {
        client.destroy();
        await service.close();
      }
    }
  });
});
