import model from '../model/connect-views-model.json' with { type: 'json' };

/**
 * The official model subset (botocore `connect/2017-08-08`, documentation stripped) is the source of
 * truth for shapes, constraints and error lists; this module is its typed view.
 */
export interface MemberRef {
  shape: string;
  location?: string;
  locationName?: string;
  box?: boolean;
}

export interface Shape {
  type: string;
  members?: Record<string, MemberRef>;
  required?: string[];
  member?: MemberRef;
  key?: MemberRef;
  value?: MemberRef;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  sensitive?: boolean;
  error?: { httpStatusCode: number };
}

export interface Operation {
  name: string;
  http: { method: string; requestUri: string };
  input?: { shape: string };
  output?: { shape: string };
  errors?: { shape: string }[];
}

const shapes = model.shapes as unknown as Record<string, Shape>;
const operations = model.operations as unknown as Record<string, Operation>;

export type OperationName =
  | 'CreateView'
  | 'DescribeView'
  | 'UpdateViewContent'
  | 'UpdateViewMetadata'
  | 'DeleteView'
  | 'CreateViewVersion'
  | 'ListViewVersions'
  | 'DeleteViewVersion'
  | 'ListViews'
  | 'TagResource'
  | 'UntagResource'
  | 'ListTagsForResource'
  | 'SearchViews';

export function shape(name: string): Shape {
  const found = shapes[name];
  if (!found) throw new Error(`shape ${name} is not in the model`);
  return found;
}

export function operation(name: OperationName): Operation {
  const found = operations[name];
  if (!found) throw new Error(`operation ${name} is not in the model`);
  return found;
}

/** The error shapes an operation may return, by name. */
export function modeledErrors(name: OperationName): Set<string> {
  return new Set((operation(name).errors ?? []).map((e) => e.shape));
}
