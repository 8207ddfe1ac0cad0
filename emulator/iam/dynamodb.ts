import type { Access } from './policy.ts';

/**
 * The IAM actions DynamoDB authorizes for one request, on the resources it touches. Transactions
 * and batches are authorized item by item, by the action each item is (a transaction's `Put` needs
 * `dynamodb:PutItem`, its `ConditionCheck` needs `dynamodb:ConditionCheckItem`); a batch needs its
 * own action on every table it names. Streams are authorized on the stream's ARN.
 *
 * `operation` is the wire name (the part of `X-Amz-Target` after the dot), `body` the request's JSON.
 */
export interface Where {
  partition: string;
  region: string;
  accountId: string;
}

const TRANSACT_WRITE: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

export function tableArn(where: Where, tableName: string): string {
  // A table may be named by its ARN as well as by its name.
  return tableName.startsWith('arn:') ? tableName : `arn:${where.partition}:dynamodb:${where.region}:${where.accountId}:table/${tableName}`;
}

export function dynamoDbAccess(operation: string, body: Record<string, unknown>, where: Where): Access[] {
  const table = (name: unknown, index?: unknown) => `${tableArn(where, String(name))}${index ? `/index/${String(index)}` : ''}`;
  switch (operation) {
    case 'TransactWriteItems':
      return ((body['TransactItems'] as Record<string, { TableName: string }>[] | undefined) ?? []).flatMap((item) =>
        Object.entries(item).map(([kind, target]) => {
          const action = TRANSACT_WRITE[kind];
          if (!action) throw new Error(`unknown TransactWriteItems item ${kind}`);
          return { action, resource: table(target.TableName) };
        }),
      );
    case 'TransactGetItems':
      return ((body['TransactItems'] as { Get: { TableName: string } }[] | undefined) ?? []).map((item) => ({
        action: 'dynamodb:GetItem',
        resource: table(item.Get.TableName),
      }));
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return Object.keys((body['RequestItems'] as Record<string, unknown> | undefined) ?? {}).map((name) => ({
        action: `dynamodb:${operation}`,
        resource: table(name),
      }));
    case 'ListTables':
    case 'ListStreams':
      return [{ action: `dynamodb:${operation}`, resource: '*' }];
    case 'DescribeStream':
    case 'GetShardIterator':
      return [{ action: `dynamodb:${operation}`, resource: String(body['StreamArn']) }];
    case 'GetRecords':
      // The shard iterator names its stream; DynamoDB authorizes GetRecords on that stream.
      return [{ action: 'dynamodb:GetRecords', resource: streamOfIterator(String(body['ShardIterator'])) }];
    default:
      if (typeof body['TableName'] !== 'string') throw new Error(`no IAM mapping for DynamoDB ${operation}`);
      return [{ action: `dynamodb:${operation}`, resource: table(body['TableName'], body['IndexName']) }];
  }
}

/** DynamoDB (and DynamoDB Local) shard iterators carry the stream ARN in clear text before `|`. */
function streamOfIterator(iterator: string): string {
  const arn = /arn:[^|]+\/stream\/[^|]+/.exec(iterator)?.[0];
  return arn ?? '*';
}
