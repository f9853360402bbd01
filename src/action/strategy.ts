// Reads the base branch's config through the API (its gates judge a pull request; its matrix is the A/B base) and
// chooses between A/B (base and head interleaved on this runner) and a stored baseline.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { LoadedConfig } from '../io/config.js';
import { compareSettings, gatesForPullRequest, type CompareSettingsInput } from '../compare/index.js';
import { InputError, getErrorMessage } from '../util/errors.js';
import {
  apiFailure,
  readConfigAtRef,
  type ActionContext,
  type ConfigAtRef,
  type GitHubClient,
  type Logger,
} from '../github/index.js';
import type { StrategyInput } from './constants.js';

export type StrategyChoice =
  | { kind: 'ab'; base: LoadedConfig; ref: string; reason: string }
  | { kind: 'baseline'; reason: string };

/** The config's path inside the repository (posix), or undefined when it lies outside the workspace. */
export function repositoryPath(configFile: string, workspace: string): string | undefined {
  const rel = relative(resolve(workspace), resolve(workspace, configFile));
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

/** What is known of the pull request's base config: read, genuinely absent, or not readable for a stated reason. */
export type BaseConfig =
  | { kind: 'found'; config: ConfigAtRef; ref: string; refName: string; path: string }
  | { kind: 'absent'; ref: string; refName: string; path: string; invalid?: string }
  | { kind: 'unavailable'; reason: string };

/**
 * The base branch's config of a pull request. A 404 is a genuine absence (the PR that adds llm-bench); a 401/403 or
 * a failure that outlived the client's retries (5xx, resets, rate limits) throws, naming the request and the token
 * permission it needs: a gate never falls back silently to a weaker comparison. Outside a pull request, without a
 * token, or for a config outside the workspace there is nothing to read, and `reason` says why.
 */
export async function readBaseConfig(input: {
  context: ActionContext;
  client: GitHubClient | undefined;
  configFile: string;
  workspace: string;
}): Promise<BaseConfig> {
  const pr = input.context.pullRequest;
  if (!pr)
    return {
      kind: 'unavailable',
      reason: `not a pull request (${input.context.eventName || 'no event'}): there is no base to run beside the head`,
    };
  if (!input.client) return { kind: 'unavailable', reason: "no 'github-token' to read the base branch's config" };
  const path = repositoryPath(input.configFile, input.workspace);
  if (!path)
    return {
      kind: 'unavailable',
      reason: `the config ${input.configFile} is outside the workspace, so the base branch's version cannot be read`,
    };
  const ref = pr.baseSha || pr.baseRef;
  if (!ref) return { kind: 'unavailable', reason: 'the pull request event names no base commit' };
  const refName = pr.baseRef || ref.slice(0, 12);
  let config: ConfigAtRef | null;
  try {
    config = await readConfigAtRef(input.client, path, ref);
  } catch (error) {
    // A base config that does not parse has no gates to own: the PR's apply (the PR may be the fix), and the report says why.
    if (error instanceof InputError) return { kind: 'absent', ref, refName, path, invalid: getErrorMessage(error) };
    throw apiFailure(`reading ${path} at the base ${refName} (${ref.slice(0, 12)})`, error, 'contents: read');
  }
  return config ? { kind: 'found', config, ref, refName, path } : { kind: 'absent', ref, refName, path };
}

/**
 * The comparison settings that judge this run: on a pull request the base branch's gates, which the PR may tighten
 * but not loosen (gatesForPullRequest), or the PR's own when the base has no config yet; otherwise the config's.
 */
export function judgingSettings(head: LoadedConfig, base: BaseConfig): CompareSettingsInput {
  if (base.kind === 'found') return gatesForPullRequest(base.config.config, head);
  if (base.kind === 'absent') {
    const settings = gatesForPullRequest(null, head, `the base ${base.refName}`);
    if (base.invalid)
      settings.gateChanges = [
        `the base ${base.refName}'s ${base.path} is invalid (${base.invalid}): this pull request's own gates applied`,
      ];
    return settings;
  }
  return compareSettings(head);
}

/**
 * `baseline` as asked; `ab` and `auto` on a pull request whose base branch has the config: that config, with the
 * head's directory (model files and the checkout are this runner's). Without one both fall back to `baseline` (an
 * explicit `ab` with a warning) and the returned reason goes into the report; API failures never get here
 * (readBaseConfig throws).
 */
export function chooseStrategy(input: {
  strategy: StrategyInput;
  head: LoadedConfig;
  base: BaseConfig;
  log: Logger;
}): StrategyChoice {
  const { strategy, base, log } = input;
  if (strategy === 'baseline') return { kind: 'baseline', reason: 'strategy: baseline' };
  const fallback = (reason: string): StrategyChoice => {
    if (strategy === 'ab') log.warning(`strategy: ab — ${reason}; comparing with the stored baseline instead.`);
    return {
      kind: 'baseline',
      reason: `strategy ${strategy} could not run A/B: ${reason}; compared with the stored baseline instead`,
    };
  };
  if (base.kind === 'unavailable') return fallback(base.reason);
  if (base.kind === 'absent') {
    return fallback(
      base.invalid
        ? `${base.path} on the base ${base.refName} is invalid: ${base.invalid}`
        : `${base.path} does not exist on the base ${base.refName}: nothing to A/B against`,
    );
  }
  log.info(
    `A/B: the base config is ${base.path} at ${base.refName} (${base.ref.slice(0, 12)}); base and head run interleaved on this runner.`,
  );
  if (base.config.text === input.head.text) {
    log.info(
      'The base and head configs are identical: the A/B run measures what else this pull request changes on the runner, if anything.',
    );
  }
  return {
    kind: 'ab',
    base: { ...base.config.config, dir: input.head.dir, text: base.config.text },
    ref: base.ref,
    reason: `the base branch has ${base.path}`,
  };
}
