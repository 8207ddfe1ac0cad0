/**
 * Every DynamoDB action the store performs, and nothing more: the Lambda's IAM policy is built from
 * this list (transactions are authorized per contained action: Put, Update and Delete).
 */
export const STORE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
] as const;

/** What the purge worker does: read a deleted view's head and keys, delete them in batches, then the tombstone. */
export const PURGE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem'] as const;
