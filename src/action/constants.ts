// Names of the action's inputs, outputs and saved state, and the input defaults action.yml declares: never bare strings in the logic.

export const Inputs = {
  Config: 'config',
  Mode: 'mode',
  Strategy: 'strategy',
  RunnerLabel: 'runner-label',
  Baseline: 'baseline',
  BaselinePath: 'baseline-path',
  BaselineBranch: 'baseline-branch',
  SaveBaseline: 'save-baseline',
  GitHubToken: 'github-token',
  Comment: 'comment',
  FailOnRegression: 'fail-on-regression',
  FailOnIncomplete: 'fail-on-incomplete',
  CheckName: 'check-name',
  ReportId: 'report-id',
  Template: 'template',
  CacheModels: 'cache-models',
  ResultsPath: 'results-path',
} as const;
export type InputName = (typeof Inputs)[keyof typeof Inputs];

export const Outputs = {
  Status: 'status',
  Regressions: 'regressions',
  ResultsPath: 'results-path',
  ReportPath: 'report-path',
  CommentUrl: 'comment-url',
} as const;
export type OutputName = (typeof Outputs)[keyof typeof Outputs];

/** What `main` hands to `post` (GitHub passes it back as STATE_<name>). */
export const State = {
  /** 'true' once the benchmark finished: only then is the model cache worth saving. */
  BenchmarkFinished: 'benchmark-finished',
  /** JSON of the model cache to save: { paths, key, matchedKey }. */
  ModelCache: 'model-cache',
  /** The pid of an `ollama serve` this action started, to stop in post. */
  OllamaPid: 'ollama-pid',
} as const;

/**
 * The defaults of action.yml. The runner applies them before the action starts; they are repeated
 * here for runs outside GitHub (tests, `act` without action.yml) and a test keeps both in step.
 * `github-token` defaults to `${{ github.token }}`, which only the runner can expand.
 */
export const INPUT_DEFAULTS: Readonly<Record<InputName, string>> = {
  config: 'bench.yml',
  mode: 'all',
  strategy: 'auto',
  'runner-label': '',
  baseline: 'cache',
  'baseline-path': '',
  'baseline-branch': 'llm-bench-data',
  'save-baseline': 'auto',
  'github-token': '',
  comment: 'always',
  'fail-on-regression': 'true',
  'fail-on-incomplete': 'true',
  'check-name': 'llm-bench',
  'report-id': 'llm-bench',
  template: '',
  'cache-models': 'true',
  'results-path': 'llm-bench-results.json',
};

export const MODES = ['all', 'run', 'report'] as const;
export type Mode = (typeof MODES)[number];

export const STRATEGIES = ['auto', 'ab', 'baseline'] as const;
export type StrategyInput = (typeof STRATEGIES)[number];

export const SAVE_BASELINE = ['auto', 'true', 'false'] as const;
export type SaveBaselineInput = (typeof SAVE_BASELINE)[number];

/** Where a store of kind `cache` keeps baselines on disk, relative to the workspace so the cache version matches across machines. */
export const BASELINE_CACHE_DIR = '.llm-bench/baseline';

/** How many stored runs a history-capable store hands back: three or more switch the comparison to history. */
export const BASELINE_HISTORY_RUNS = 10;
