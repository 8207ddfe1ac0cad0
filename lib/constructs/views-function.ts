import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { STORE_ACTIONS } from '#store/permissions.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface ViewsFunctionProps {
  table: ITable;
  tokenSecret: ISecret;
  logRetention: RetentionDays;
  /** API Gateway gives up after 29 s; the handler stops long work (purges) before this. */
  timeout?: Duration;
}

/**
 * The service's one Lambda: Node.js 24 on arm64, bundled as minified ESM by the project's own
 * esbuild (never Docker) with the AWS SDK inside, an explicit log group, active tracing, and IAM
 * for exactly the DynamoDB actions the store performs, on this table only.
 */
export class ViewsFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ViewsFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY });

    this.function = new NodejsFunction(this, 'Handler', {
      entry: `${projectRoot}lambda/handler.ts`,
      handler: 'handler',
      projectRoot,
      depsLockFilePath: `${projectRoot}package-lock.json`,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 1024,
      timeout: props.timeout ?? Duration.seconds(28),
      tracing: Tracing.ACTIVE,
      logGroup: this.logGroup,
      environment: {
        TABLE_NAME: props.table.tableName,
        // Resolved by CloudFormation at deploy time; only NextToken integrity depends on it.
        PAGINATION_TOKEN_SECRET: props.tokenSecret.secretValue.unsafeUnwrap(),
        POWERTOOLS_SERVICE_NAME: 'connect-views',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: false,
        bundleAwsSDK: true,
        mainFields: ['module', 'main'],
        // Some bundled CommonJS code still calls require(); ESM has none unless it is made.
        banner: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
        forceDockerBundling: false,
      },
    });
    props.table.grant(this.function, ...STORE_ACTIONS);
  }
}
