import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { route } from '#http/routes.ts';
import { lintContent } from '../cli/lint.ts';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * Strict mode (opt-in): content published through CreateView or UpdateViewContent must pass the
 * error-severity rules of `connect-views lint` (cli/lint.ts), or the request is refused with
 * InvalidRequestException naming the rule. Off by default: Connect's own validation is not
 * published in full, and the emulator must never refuse by default what Connect might accept.
 * It wraps the handler, so the service (lambda/) knows nothing of it; anything it cannot read is
 * left to the handler to refuse in its own words.
 */
export function strictPublish(handler: Handler): Handler {
  return async (event, context) => {
    const refusal = strictRefusal(event);
    if (!refusal) return handler(event, context);
    return {
      statusCode: 400,
      headers: {
        'content-type': 'application/json',
        'x-amzn-RequestId': context.awsRequestId,
        'x-amzn-ErrorType': 'InvalidRequestException',
      },
      body: JSON.stringify({ Message: refusal }),
    };
  };
}

export function strictRefusal(event: Pick<APIGatewayProxyEvent, 'httpMethod' | 'path' | 'body' | 'isBase64Encoded'>): string | undefined {
  const routed = route(event.httpMethod, event.path);
  if (routed.kind !== 'matched' || (routed.route.operation !== 'CreateView' && routed.route.operation !== 'UpdateViewContent'))
    return undefined;
  let body: { Status?: unknown; Content?: { Template?: unknown; Actions?: unknown } };
  try {
    body = JSON.parse(event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? ''));
  } catch {
    return undefined;
  }
  if (body?.Status !== 'PUBLISHED' || typeof body.Content?.Template !== 'string') return undefined;
  const actions = Array.isArray(body.Content.Actions) ? body.Content.Actions : [];
  const errors = lintContent({ templateText: body.Content.Template, actions }, { template: ['Template'], actions: ['Actions'] }).filter(
    (finding) => finding.severity === 'error',
  );
  if (errors.length === 0) return undefined;
  const [first] = errors;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return `Strict publish (connect-views lint): rule ${first!.rule} at Content${first!.pointer}: ${first!.message}${more}.`;
}
