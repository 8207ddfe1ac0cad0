/**
 * Every DynamoDB action the store performs, and nothing more: the Lambda's IAM policy is built from
 * this list. DynamoDB authorizes each item of a transaction by its own action: Put, Update, Delete
 * and ConditionCheck (written when a change leaves the head as it was: a repeated tag, a rename to
 * the same name) need PutItem, UpdateItem, DeleteItem and ConditionCheckItem. The local stack and
 * the tests enforce the grants of the synthesized template, so a missing action fails there first.
 */
export const STORE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:BatchWriteItem',
] as const;

/** What the purge worker does: read a deleted view's head and keys, delete them in batches, then the tombstone. */
export const PURGE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem'] as const;
