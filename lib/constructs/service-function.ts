import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Some bundled CommonJS code still calls require(); ESM has none unless it is made. */
export const REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

export interface ServiceFunctionProps {
  /** Entry file, relative to the project root. */
  entry: string;
  description: string;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  timeout: Duration;
  memorySize?: number;
  /**
   * Active (the default) samples what no caller decided and lets the function's X-Ray daemon write
   * traces; Disabled, for functions nothing traced ever invokes, grants no X-Ray action at all.
   */
  tracing?: Tracing;
}

/**
 * The house defaults of the service's functions: Node.js 24 on arm64, bundled as minified ESM by
 * the project's own esbuild (never Docker) with the AWS SDK inside and a source map that Node
 * applies to stack traces, an explicit log group with retention, active tracing. Its role starts
 * with nothing but writing to that log group (not the managed basic-execution policy, which also
 * creates log groups, anywhere); everything else is granted by the caller, action by action.
 */
export class ServiceFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (execution role)`,
    });
    // Lambda writes the function's log lines with its role: streams and events of its own group.
    this.logGroup.grantWrite(this.role);
    this.function = new NodejsFunction(this, 'Handler', {
      entry: `${projectRoot}${props.entry}`,
      handler: 'handler',
      description: props.description,
      projectRoot,
      depsLockFilePath: `${projectRoot}package-lock.json`,
      role: this.role,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout,
      tracing: props.tracing ?? Tracing.ACTIVE,
      logGroup: this.logGroup,
      // Stack traces point at lambda/… lines, not at column 32622 of the minified bundle.
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        // A linked index.mjs.map beside the bundle, without the sources' text: file, line and
        // column are all a stack trace needs, and the map stays a fraction of its size.
        sourceMap: true,
        sourcesContent: false,
        bundleAwsSDK: true,
        mainFields: ['module', 'main'],
        banner: REQUIRE_BANNER,
        forceDockerBundling: false,
      },
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments/PutTelemetryRecords (and DynamoDB ListStreams, for a stream consumer) have no resource-level permissions.',
    });
  }
}
