import type { APIGatewayProxyEvent } from 'aws-lambda';
import { InvalidRequestException } from '#domain/errors.ts';
import { operation, shape, type OperationName } from '#domain/model.ts';

/** Larger than any valid request (400 KiB of content, even JSON-escaped), smaller than Lambda's 6 MB. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface HttpRequest {
  method: string;
  path: string;
  query: Record<string, string[]>;
  body?: string;
}

/** The REST API (v1) proxy event as API Gateway (or the local gateway) delivers it. */
export function fromProxyEvent(event: APIGatewayProxyEvent): HttpRequest {
  const query: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(event.multiValueQueryStringParameters ?? {})) {
    if (values) query[name] = values;
  }
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (value !== undefined && !query[name]) query[name] = [value];
  }
  let body: string | undefined;
  if (event.body !== null && event.body !== undefined && event.body !== '') {
    const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
    if (bytes.length > MAX_BODY_BYTES) {
      throw new InvalidRequestException(`The request body is ${bytes.length} bytes; the limit is ${MAX_BODY_BYTES} bytes.`);
    }
    body = event.isBase64Encoded ? bytes.toString('utf8') : event.body;
  }
  return { method: event.httpMethod, path: event.path, query, ...(body === undefined ? {} : { body }) };
}

function parseBody(body: string | undefined): Record<string, unknown> {
  if (body === undefined || body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new InvalidRequestException('The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidRequestException('The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

/** Integers in the path or query are strings on the wire; anything else is left for validation to refuse. */
function fromText(shapeName: string, text: string): unknown {
  const type = shape(shapeName).type;
  if ((type === 'integer' || type === 'long') && /^-?[0-9]{1,16}$/.test(text)) return Number(text);
  return text;
}

/**
 * Gathers an operation's input from where the model places each member: path labels (`uri`), the
 * query string (`querystring`) and the JSON body (everything else).
 */
export function operationInput(name: OperationName, request: HttpRequest, labels: Record<string, string>): Record<string, unknown> {
  const inputShape = shape(operation(name).input!.shape);
  const members = Object.entries(inputShape.members ?? {});
  const hasBody = members.some(([, ref]) => ref.location === undefined);
  const body = hasBody ? parseBody(request.body) : {};
  const input: Record<string, unknown> = {};
  for (const [member, ref] of members) {
    if (ref.location === 'uri') {
      const label = labels[ref.locationName ?? member];
      if (label !== undefined) input[member] = fromText(ref.shape, label);
    } else if (ref.location === 'querystring') {
      const values = request.query[ref.locationName ?? member];
      if (values && values.length > 0) {
        input[member] = shape(ref.shape).type === 'list' ? values : fromText(ref.shape, values[0]!);
      }
    } else if (body[member] !== undefined) {
      input[member] = body[member];
    }
  }
  return input;
}
