import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * An item's size by DynamoDB's documented rules: each attribute is the UTF-8 length of its name
 * plus its value's size — strings and binaries their length, numbers about one byte per two
 * significant digits plus one, booleans and nulls one byte, lists and maps 3 bytes plus one byte
 * per element plus their contents (map keys counted like attribute names).
 */
export function itemSize(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value), 0);
}

function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return Math.ceil(value.N.replace(/^-|\.|^0+|e.*$/gi, '').length / 2) + 1;
  // In a serialized request, binaries are base64 strings.
  const binary = value.B as Uint8Array | string | undefined;
  if (binary !== undefined) return typeof binary === 'string' ? Buffer.from(binary, 'base64').length : binary.length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.L !== undefined) return 3 + value.L.reduce((sum, element) => sum + 1 + valueSize(element), 0);
  if (value.M !== undefined)
    return 3 + Object.entries(value.M).reduce((sum, [key, element]) => sum + 1 + Buffer.byteLength(key) + valueSize(element), 0);
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + Buffer.byteLength(s), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, n) => sum + Math.ceil(n.length / 2) + 1, 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, b) => sum + b.length, 0);
  return 0;
}

/** Write units of one item write: 1 per KB, rounded up, at least 1. */
export const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
