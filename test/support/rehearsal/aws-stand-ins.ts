import { randomUUID } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dynamoDbAccess } from '../../../emulator/iam/dynamodb.ts';
import { accessDeniedMessage, type Access, type Permissions } from '../../../emulator/iam/policy.ts';

/**
 * Everything AWS does with a function's role, in one ledger: each access is checked against the
 * role's permissions (from the synthesized template) and recorded, allowed or not.
 */
export interface Role {
  roleId: string;
  principal: string;
  permissions: Permissions;
}

export interface LedgerEntry {
  roleId: string;
  access: Access;
  allowed: boolean;
  /** Who made the call: the function's code, or Lambda on the function's behalf. */
  by: 'code' | 'lambda';
}

export class IamLedger {
  readonly entries: LedgerEntry[] = [];
  readonly #roles = new Map<string, Role>();

  constructor(roles: Role[]) {
    for (const role of roles) this.#roles.set(role.roleId, role);
  }

  role(roleId: string): Role {
    const role = this.#roles.get(roleId);
    if (!role) throw new Error(`no role ${roleId}`);
    return role;
  }

  /** Checks one access of `roleId` and records it; undefined when allowed, else AWS's refusal. */
  check(roleId: string, access: Access, by: LedgerEntry['by'] = 'code'): string | undefined {
    const role = this.role(roleId);
    const allowed = role.permissions.allows(access);
    this.entries.push({ roleId, access, allowed, by });
    return allowed ? undefined : accessDeniedMessage(role.principal, access);
  }

  used(roleId: string): LedgerEntry[] {
    return this.entries.filter((entry) => entry.roleId === roleId);
  }
}

export interface PutEventsEntry {
  Source: string;
  DetailType: string;
  Detail: string;
  EventBusName: string;
  Resources?: string[];
}

export interface StandInOptions {
  ledger: IamLedger;
  /** DynamoDB Local, where allowed DynamoDB and DynamoDB Streams requests are forwarded. */
  dynamoEndpoint: string;
  partition: string;
  region: string;
  accountId: string;
  secrets: Record<string, string>;
  /** An entry EventBridge refuses (FailedEntryCount), to drive a publisher into its retries. */
  refuseEvent?: (entry: PutEventsEntry) => boolean;
}

export interface StandIns {
  /** AWS_ENDPOINT_URL for every function: one server answers each service by its X-Amz-Target. */
  url: string;
  events: PutEventsEntry[];
  /** A UDP X-Ray daemon for a role: each segment it receives is a PutTraceSegments made with the role. */
  xrayDaemon(roleId: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Lambda's own calls with a function's role (its event source mapping's stream reads) sign with
 * this prefix before the role (DynamoDB Local accepts letters and digits only in an access key).
 */
export const LAMBDA_KEY_PREFIX = 'AWSLAMBDA';

/** The role and caller of a request, by the access key it signed with: each role's session has its own. */
function callerOf(request: IncomingMessage): { roleId: string; by: LedgerEntry['by'] } {
  const key = /Credential=([^/]+)\//.exec(String(request.headers['authorization'] ?? ''))?.[1] ?? 'anonymous';
  return key.startsWith(LAMBDA_KEY_PREFIX) ? { roleId: key.slice(LAMBDA_KEY_PREFIX.length), by: 'lambda' } : { roleId: key, by: 'code' };
}

function jsonError(response: ServerResponse, status: number, type: string, message: string) {
  const body = JSON.stringify({ __type: type, message, Message: message });
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type, 'x-amzn-requestid': randomUUID() });
  response.end(body);
}

function json(response: ServerResponse, body: unknown) {
  response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startAwsStandIns(options: StandInOptions): Promise<StandIns> {
  const { ledger } = options;
  const events: PutEventsEntry[] = [];
  const where = { partition: options.partition, region: options.region, accountId: options.accountId };
  const busArn = (name: string) =>
    name.startsWith('arn:') ? name : `arn:${options.partition}:events:${options.region}:${options.accountId}:event-bus/${name}`;

  const forwardToDynamoDb = async (request: IncomingMessage, response: ServerResponse, body: Buffer) => {
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(([name]) => !['host', 'content-length', 'connection'].includes(name)),
    ) as Record<string, string>;
    const answer = await fetch(`${options.dynamoEndpoint}/`, { method: 'POST', headers, body: new Uint8Array(body) });
    const bytes = Buffer.from(await answer.arrayBuffer());
    response.writeHead(
      answer.status,
      Object.fromEntries([...answer.headers].filter(([name]) => !['content-length', 'transfer-encoding', 'connection'].includes(name))),
    );
    response.end(bytes);
  };

  const server: Server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const target = String(request.headers['x-amz-target'] ?? '');
      const [service, operation = ''] = target.split('.');
      const input = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
      const { roleId, by } = callerOf(request);
      const refuse = (message: string | undefined) => {
        if (message) jsonError(response, 400, 'AccessDeniedException', message);
        return message !== undefined;
      };
      if (service === 'DynamoDB_20120810' || service === 'DynamoDBStreams_20120810') {
        for (const access of dynamoDbAccess(operation, input, where)) if (refuse(ledger.check(roleId, access, by))) return;
        return forwardToDynamoDb(request, response, body);
      }
      if (service === 'secretsmanager' && operation === 'GetSecretValue') {
        const secretId = String(input['SecretId']);
        if (refuse(ledger.check(roleId, { action: 'secretsmanager:GetSecretValue', resource: secretId }))) return;
        const stage = String(input['VersionStage'] ?? 'AWSCURRENT');
        const value = stage === 'AWSCURRENT' ? options.secrets[secretId] : undefined;
        if (value === undefined)
          return jsonError(
            response,
            400,
            'ResourceNotFoundException',
            `Secrets Manager can't find the specified secret value for staging label: ${stage}`,
          );
        return json(response, {
          ARN: secretId,
          Name: secretId.split(':').at(-1),
          SecretString: value,
          VersionId: randomUUID(),
          VersionStages: [stage],
          CreatedDate: Date.now() / 1000,
        });
      }
      if (service === 'AWSEvents' && operation === 'PutEvents') {
        const entries = (input['Entries'] as PutEventsEntry[] | undefined) ?? [];
        for (const entry of entries)
          if (refuse(ledger.check(roleId, { action: 'events:PutEvents', resource: busArn(entry.EventBusName ?? 'default') }))) return;
        const results = entries.map((entry) => {
          if (options.refuseEvent?.(entry)) return { ErrorCode: 'InternalFailure', ErrorMessage: 'refused by the rehearsal' };
          events.push(entry);
          return { EventId: randomUUID() };
        });
        return json(response, { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results });
      }
      jsonError(response, 400, 'UnknownOperationException', `the stand-ins do not serve ${target}`);
    })().catch((error: unknown) => jsonError(response, 500, 'InternalFailure', String(error)));
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const daemons: Socket[] = [];

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    events,
    xrayDaemon: async (roleId) => {
      const socket = createSocket('udp4');
      // The daemon sends what it receives with the role's credentials (PutTraceSegments).
      socket.on('message', () => ledger.check(roleId, { action: 'xray:PutTraceSegments', resource: '*' }, 'lambda'));
      await new Promise<void>((resolveBind) => socket.bind(0, '127.0.0.1', resolveBind));
      daemons.push(socket);
      return `127.0.0.1:${socket.address().port}`;
    },
    stop: async () => {
      for (const socket of daemons) socket.close();
      server.closeAllConnections();
      await new Promise((resolveClose) => server.close(resolveClose));
    },
  };
}
