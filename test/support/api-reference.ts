/**
 * The constraints of the Amazon Connect API reference, written down independently of the model
 * file the service validates with: a limit lost from (or changed in) that file fails the tests that
 * compare the two (test/unit/model-constraints.test.ts), and the boundary tests use these bounds
 * (test/integration/boundaries.test.ts).
 */
export const API_REFERENCE_CONSTRAINTS: Record<string, { min?: number; max?: number; pattern?: boolean }> = {
  ViewsInstanceId: { min: 1, max: 100, pattern: true },
  InstanceIdOrArn: { min: 1, max: 250, pattern: true },
  ViewId: { min: 1, max: 500, pattern: true },
  ViewName: { min: 1, max: 255, pattern: true },
  ViewDescription: { min: 1, max: 4096, pattern: true },
  ViewAction: { min: 1, max: 255, pattern: true },
  ViewsClientToken: { max: 500, pattern: true },
  ViewContentSha256: { min: 1, max: 64, pattern: true },
  TagKey: { min: 1, max: 128, pattern: true },
  TagValue: { max: 256 },
  TagMap: { min: 1, max: 50 },
  TagKeyList: { min: 1, max: 50 },
  ViewsNextToken: { min: 1, max: 4096, pattern: true },
  NextToken2500: { min: 1, max: 2500 },
  MaxResults: { min: 1, max: 100 },
  MaxResult100: { min: 1, max: 100 },
};
