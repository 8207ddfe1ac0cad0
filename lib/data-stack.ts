import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from '#store/keys.ts';
import { publishTable } from './table-parameters.ts';

export interface ViewsDataStackProps extends StackProps {
  /** Where the table's name and ARNs are published for the API stack (`/PREFIX/table/…`). */
  parameterPrefix: string;
}

/**
 * The stateful half: the one DynamoDB table. Kept in a stack of its own so that redeploying (or even
 * replacing) the API never touches it, and retained when the stack is deleted. It exports nothing:
 * the API stack finds the table through SSM parameters, so this stack can change on its own.
 */
export class ViewsDataStack extends Stack {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: ViewsDataStackProps) {
    super(scope, id, props);
    this.table = new Table(this, 'ViewsTable', {
      partitionKey: { name: PARTITION_KEY, type: AttributeType.STRING },
      sortKey: { name: SORT_KEY, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      // The change stream publishes the outbox events (new versions, deletions).
      stream: StreamViewType.NEW_IMAGE,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    publishTable(this, this.table, props.parameterPrefix);
    new CfnOutput(this, 'TableName', { value: this.table.tableName, description: 'The table the service keeps every view in' });
  }
}
