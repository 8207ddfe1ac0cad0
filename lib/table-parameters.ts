import { Table, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';

/**
 * How the API stack finds the data stack's table: SSM parameters the data stack writes and the API
 * stack resolves at each deployment, instead of CloudFormation exports. An export cannot change
 * while another stack imports it, so a table replacement would be blocked; a parameter just takes
 * the new value, and the next API deployment follows it.
 */
export function tableParameterNames(prefix: string) {
  return {
    name: `/${prefix}/table/name`,
    arn: `/${prefix}/table/arn`,
    streamArn: `/${prefix}/table/stream-arn`,
  };
}

export function publishTable(scope: Construct, table: Table, prefix: string): void {
  const names = tableParameterNames(prefix);
  const publish = (id: string, parameterName: string, stringValue: string, what: string) =>
    new StringParameter(scope, id, { parameterName, stringValue, description: `Connect Views API: the ${what} (read by the API stack)` });
  publish('TableNameParameter', names.name, table.tableName, 'table name');
  publish('TableArnParameter', names.arn, table.tableArn, 'table ARN');
  publish('TableStreamArnParameter', names.streamArn, table.tableStreamArn!, 'table stream ARN');
}

/** The table as the API stack sees it: with its stream, so any number of stream consumers can attach. */
export function importTable(scope: Construct, id: string, prefix: string): ITable {
  const names = tableParameterNames(prefix);
  return Table.fromTableAttributes(scope, id, {
    tableArn: StringParameter.valueForStringParameter(scope, names.arn),
    tableStreamArn: StringParameter.valueForStringParameter(scope, names.streamArn),
  });
}
