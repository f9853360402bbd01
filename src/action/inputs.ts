// Parses and validates every input of action.yml once, into one typed object; each error names the input and its value.
import { InputError } from '../util/errors.js';
import { COMMENT_MODES, type CommentMode } from '../github/comment.js';
import { BASELINE_KINDS, type BaselineKind } from '../store/types.js';
import { isSafeBranchName } from '../store/branch.js';
import {
  INPUT_DEFAULTS,
  Inputs,
  MODES,
  SAVE_BASELINE,
  STRATEGIES,
  type InputName,
  type Mode,
  type SaveBaselineInput,
  type StrategyInput,
} from './constants.js';

export interface ActionInputs {
  /** The bench.yml, relative to the workspace. */
  config: string;
  mode: Mode;
  strategy: StrategyInput;
  /** Undefined: derived from the runner (os, arch, GPU). */
  runnerLabel: string | undefined;
  baseline: BaselineKind;
  baselinePath: string | undefined;
  baselineBranch: string;
  saveBaseline: SaveBaselineInput;
  /** Undefined when empty: only GitHub calls need it, and they say so. */
  githubToken: string | undefined;
  comment: CommentMode;
  failOnRegression: boolean;
  /** Fail the step (and the check) when the run did not judge everything: cancelled, partial, gated metrics missing. */
  failOnIncomplete: boolean;
  checkName: string;
  reportId: string;
  /** A comment template file replacing the built-in one. */
  template: string | undefined;
  cacheModels: boolean;
  resultsPath: string;
}

/** How an input is read: `core.getInput` in the action (trimmed, '' when unset). */
export type InputReader = (name: InputName) => string;

const quoted = (value: string): string => `'${value}'`;

function oneOf<T extends string>(name: InputName, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(`'${name}' input must be one of ${allowed.join(' | ')}, got ${quoted(value)}`);
}

// The YAML 1.2 core schema's booleans, as core.getBooleanInput accepts them.
const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];

function boolean(name: InputName, value: string): boolean {
  if (TRUE.includes(value)) return true;
  if (FALSE.includes(value)) return false;
  throw new InputError(`'${name}' input must be true or false, got ${quoted(value)}`);
}

function singleLine(name: InputName, value: string): string {
  if (/[\r\n]/.test(value))
    throw new InputError(`'${name}' input must be one line, got ${quoted(value.replace(/\r?\n/g, '\\n'))}`);
  return value;
}

/**
 * Reads every input through `read`; an empty value takes action.yml's default. Throws an
 * InputError naming the first bad input and its value.
 */
export function parseInputs(read: InputReader): ActionInputs {
  const get = (name: InputName): string => {
    const value = read(name).trim();
    return value === '' ? INPUT_DEFAULTS[name] : value;
  };
  const optional = (name: InputName): string | undefined => get(name) || undefined;

  const mode = oneOf(Inputs.Mode, get(Inputs.Mode), MODES);
  const strategy = oneOf(Inputs.Strategy, get(Inputs.Strategy), STRATEGIES);
  const baseline = oneOf(Inputs.Baseline, get(Inputs.Baseline), BASELINE_KINDS);
  const saveBaseline = oneOf(Inputs.SaveBaseline, get(Inputs.SaveBaseline), SAVE_BASELINE);
  const comment = oneOf(Inputs.Comment, get(Inputs.Comment), COMMENT_MODES);
  const failOnRegression = boolean(Inputs.FailOnRegression, get(Inputs.FailOnRegression));
  const failOnIncomplete = boolean(Inputs.FailOnIncomplete, get(Inputs.FailOnIncomplete));
  const cacheModels = boolean(Inputs.CacheModels, get(Inputs.CacheModels));

  const config = singleLine(Inputs.Config, get(Inputs.Config));
  const resultsPath = singleLine(Inputs.ResultsPath, get(Inputs.ResultsPath));
  if (!/\.json$/i.test(resultsPath)) {
    throw new InputError(`'${Inputs.ResultsPath}' input must name a .json file, got ${quoted(resultsPath)}`);
  }

  const runnerLabel = optional(Inputs.RunnerLabel);
  if (runnerLabel !== undefined) {
    singleLine(Inputs.RunnerLabel, runnerLabel);
    if (runnerLabel.length > 100)
      throw new InputError(`'${Inputs.RunnerLabel}' input must be at most 100 characters, got ${quoted(runnerLabel)}`);
  }

  const baselinePath = optional(Inputs.BaselinePath);
  if (baseline === 'file' && baselinePath === undefined) {
    throw new InputError(`'${Inputs.BaselinePath}' input is required when 'baseline' is file, got ''`);
  }
  if (baselinePath !== undefined) singleLine(Inputs.BaselinePath, baselinePath);

  const baselineBranch = get(Inputs.BaselineBranch);
  if (!isSafeBranchName(baselineBranch)) {
    throw new InputError(
      `'${Inputs.BaselineBranch}' input must be a branch name (letters, digits, '.', '_', '-', '/'), got ${quoted(baselineBranch)}`,
    );
  }

  const checkName = singleLine(Inputs.CheckName, get(Inputs.CheckName));
  if (checkName.length > 100)
    throw new InputError(`'${Inputs.CheckName}' input must be at most 100 characters, got ${quoted(checkName)}`);
  const reportId = get(Inputs.ReportId);
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(reportId)) {
    throw new InputError(
      `'${Inputs.ReportId}' input must be 1–64 letters, digits, '.', '_' or '-', got ${quoted(reportId)}`,
    );
  }

  const template = optional(Inputs.Template);
  if (template !== undefined) singleLine(Inputs.Template, template);

  return {
    config,
    mode,
    strategy,
    runnerLabel,
    baseline,
    baselinePath,
    baselineBranch,
    saveBaseline,
    githubToken: optional(Inputs.GitHubToken),
    comment,
    failOnRegression,
    failOnIncomplete,
    checkName,
    reportId,
    template,
    cacheModels,
    resultsPath,
  };
}
