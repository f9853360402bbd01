// The GitHub layer's public surface, for the action's entry points: the only code that talks to GitHub.
export {
  readActionContext,
  pullNumberFromRef,
  type ActionContext,
  type PullRequestInfo,
  type WorkflowRunInfo,
  type RepoRef,
} from './context.js';
export {
  GitHubClient,
  createGitHubClient,
  ACTIONS_BOT_LOGIN,
  type RetryOptions,
  type Identity,
  type Octokit,
  type IssueComment,
} from './client.js';
export {
  apiFailure,
  httpStatus,
  isReadOnlyTokenError,
  isNotFoundError,
  readOnlyTokenHint,
} from './errors.js';
export { silentLogger, type Logger } from '../util/log.js';
export {
  postStickyComment,
  reportMarker,
  commentDue,
  COMMENT_MODES,
  COMMENT_BODY_LIMIT,
  type CommentMode,
  type StickyCommentResult,
  type VerdictGist,
} from './comment.js';
export { publishCheckRun, checkConclusion, checkTitle, CHECK_TEXT_LIMIT, type CheckRunResult } from './check.js';
export { writeJobSummary, SUMMARY_LIMIT_BYTES, type JobSummaryResult } from './summary.js';
export {
  uploadResultsArtifact,
  defaultArtifactUploader,
  downloadRunResults,
  resultsArtifactName,
  RESULTS_ARTIFACT_PREFIX,
  type ArtifactUploader,
  type RunResults,
  type UploadResult,
} from './artifacts.js';
export { readConfigAtRef, type ConfigAtRef } from './base-config.js';
