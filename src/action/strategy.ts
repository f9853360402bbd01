// Chooses between A/B (base and head interleaved on this runner) and a stored baseline, reading the base branch's config through the API.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { getErrorMessage } from '../schema/errors.js';
import { readConfigAtRef, type ActionContext, type GitHubClient, type Logger } from '../github/index.js';
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

/**
 * `baseline` as asked; `ab` and `auto` on a pull request whose base branch has the config: that config,
 * with the head's directory (model files and the checkout are this runner's). Falls back to `baseline`
 * when there is nothing to A/B against. An unreadable base config fails an explicit `ab`, and only
 * warns under `auto`.
 */
export async function chooseStrategy(input: {
  strategy: StrategyInput;
  context: ActionContext;
  client: GitHubClient | undefined;
  head: LoadedConfig;
  configFile: string;
  workspace: string;
  log: Logger;
}): Promise<StrategyChoice> {
  const { strategy, context, client, log } = input;
  if (strategy === 'baseline') return { kind: 'baseline', reason: "strategy: baseline" };
  const fallback = (reason: string, warn: boolean): StrategyChoice => {
    if (warn && strategy === 'ab') log.warning(`strategy: ab — ${reason}; comparing with the stored baseline instead.`);
    return { kind: 'baseline', reason };
  };
  const pr = context.pullRequest;
  if (!pr) return fallback(`not a pull request (${context.eventName || 'no event'}): there is no base to run beside the head`, true);
  if (!client) return fallback("no 'github-token' to read the base branch's config", true);
  const path = repositoryPath(input.configFile, input.workspace);
  if (!path) return fallback(`the config ${input.configFile} is outside the workspace, so the base branch's version cannot be read`, true);
  const ref = pr.baseSha || pr.baseRef;
  if (!ref) return fallback('the pull request event names no base commit', true);
  let base;
  try {
    base = await readConfigAtRef(client, path, ref);
  } catch (error) {
    const message = `could not read ${path} at the base ${pr.baseRef || ref} (${ref.slice(0, 12)}): ${getErrorMessage(error)}`;
    if (strategy === 'ab') throw new Error(`strategy: ab — ${message}`);
    log.warning(`${message}; comparing with the stored baseline instead.`);
    return { kind: 'baseline', reason: message };
  }
  if (!base) return fallback(`${path} does not exist on the base ${pr.baseRef || ref}: nothing to A/B against`, false);
  log.info(`A/B: the base config is ${path} at ${pr.baseRef || 'base'} (${ref.slice(0, 12)}); base and head run interleaved on this runner.`);
  if (base.text === input.head.text) {
    log.info('The base and head configs are identical: the A/B run measures what else this pull request changes on the runner, if anything.');
  }
  return { kind: 'ab', base: { ...base.config, dir: input.head.dir, text: base.text }, ref, reason: `the base branch has ${path}` };
}
