/**
 * Views as code, as a library: the functions behind `connect-views`, for scripts and for tools
 * built on it (a studio). Talks to Connect only through @aws-sdk/client-connect.
 */
export {
  targetFromOptions,
  parseInstance,
  signingNameFor,
  explainSdkError,
  TargetError,
  type Target,
  type TargetOptions,
} from './target.ts';
export {
  readView,
  listAllViews,
  listAllVersions,
  highestVersion,
  resolveView,
  parseQualifier,
  qualifiedId,
  sameContent,
  templateTextOf,
  contentFromTemplateText,
  ViewNotFoundError,
  type Qualifier,
  type ViewContentData,
  type ViewSnapshot,
  type ViewRef,
  type ListViewsOptions,
} from './view-content.ts';
export { structuralDiff, renderDiff, jsonPointer, type DiffEntry, type DiffSubject, type RenderOptions } from './structural-diff.ts';
export {
  lintView,
  lintViewText,
  lintFile,
  lintContent,
  hasErrors,
  descriptionProblem,
  RULES,
  type Finding,
  type Severity,
  type RuleInfo,
} from './lint.ts';
export {
  publishGuarded,
  cutVersionGuarded,
  rollbackGuarded,
  unversionedContent,
  unversionedKinds,
  ChangedSinceReadError,
  VersionNotFoundError,
  UnversionedContentError,
  type Guard,
  type Unversioned,
  type WriteResult,
  type VersionResult,
  type RollbackResult,
} from './guarded-writes.ts';
export {
  serializeViewFile,
  parseViewFile,
  viewFileNames,
  viewFileFromSnapshots,
  publishedContent,
  savedContent,
  readViewDir,
  writeViewDir,
  ViewFileError,
  VIEW_FILE_SUFFIX,
  type ViewFile,
  type LoadedViewFile,
  type WriteDirResult,
} from './view-files.ts';
export { canonicalJson, prettyJson } from './json.ts';
export { mapLimit, settleLimit } from './concurrency.ts';
export {
  readInstanceViews,
  pullViews,
  type InstanceView,
  type PullOptions,
  type PullResult,
  type ReadInstanceOptions,
  type Progress,
} from './pull.ts';
export { planViews, planDirectory, hasChanges, type Plan, type PlanEntry, type PlanOptions, type ChangeKind } from './plan.ts';
export { applyPlan, type ApplyOptions, type ApplyOutcome, type ApplyResult, type ApplyStep } from './apply.ts';
export { planPromotion, applyPromotion, arnMap, type Promotion, type ArnMap } from './promote.ts';
export { viewHistory, diffView, loadDiffSide, rollbackView, DiffSideError, type HistoryRow, type ViewHistory } from './history.ts';
export { startStudio, type Studio, type StudioOptions } from './studio/server.ts';
