// The `artifact` baseline: the results artifact of the latest successful push run on the default branch.
import type { Results } from '../schema/results.js';
import { getErrorMessage } from '../util/errors.js';
import type { GitHubClient } from '../github/client.js';
import { readResultsArtifact, resultsArtifactName } from '../github/artifacts.js';
import { silentLogger, type Logger } from '../util/log.js';
import type { BaselineStore } from './types.js';

export interface ArtifactStoreOptions {
  client: GitHubClient;
  /** The repository's default branch (ActionContext.defaultBranch). */
  defaultBranch: string;
  /** The workflow file (ActionContext.workflowFile); without it, runs of every workflow are searched. */
  workflow?: string;
  /** This run, never its own baseline. */
  currentRunId?: number;
  /** How many recent successful runs to search for the label's artifact. */
  maxRuns?: number;
  /** How many baselines `load` returns, from that many runs (history), newest first. */
  maxBaselines?: number;
  log?: Logger;
}

export class ArtifactBaselineStore implements BaselineStore {
  readonly kind = 'artifact' as const;
  private readonly log: Logger;

  constructor(private readonly options: ArtifactStoreOptions) {
    this.log = options.log ?? silentLogger;
  }

  /**
   * Walks the newest successful `push` runs on the default branch until it finds `maxBaselines`
   * unexpired `llm-bench-results-<label>` artifacts. An artifact that cannot be read is an error, never
   * skipped for an older run.
   */
  async load(label: string): Promise<Results[]> {
    const { client, defaultBranch, workflow } = this.options;
    const name = resultsArtifactName(label);
    const maxBaselines = Math.max(1, this.options.maxBaselines ?? 1);
    const runs = await client.listSuccessfulRuns({
      workflow,
      branch: defaultBranch,
      event: 'push',
      perPage: Math.max(1, this.options.maxRuns ?? 10),
    });
    const out: Results[] = [];
    for (const run of runs) {
      if (run.id === this.options.currentRunId) continue;
      const artifact = (await client.listRunArtifacts(run.id, name)).find((a) => a.name === name && !a.expired);
      if (!artifact) continue;
      try {
        const docs = (await readResultsArtifact(client, artifact)).map((d) => d.results);
        const mine = docs.filter((r) => r.runner.label === label);
        const chosen = mine.length > 0 ? mine : docs;
        if (chosen.length === 0) {
          this.log.warning(`Artifact ${name} of run ${run.id} holds no results file; skipped.`);
          continue;
        }
        out.push(...chosen);
        this.log.info(
          `Baseline for runner "${label}": artifact ${name} of run ${run.htmlUrl} (${run.headSha.slice(0, 7)}).`,
        );
      } catch (error) {
        // An older run would be a weaker baseline chosen silently: fail and say which artifact could not be read.
        throw new Error(
          `could not read the baseline artifact ${name} of run ${run.id} (${run.htmlUrl}): ${getErrorMessage(error)}`,
        );
      }
      if (out.length >= maxBaselines) break;
    }
    if (out.length === 0) {
      this.log.info(
        `No successful push run of ${workflow ?? 'any workflow'} on ${defaultBranch} has an artifact ${name} yet: nothing to compare with.`,
      );
    }
    return out.slice(0, maxBaselines);
  }

  /**
   * Nothing to do: the results artifact this run uploads (`mode: run`) becomes the baseline of later
   * runs once this run succeeds on a push to the default branch.
   */
  async save(label: string): Promise<void> {
    this.log.debug?.(
      `baseline: artifact — the ${resultsArtifactName(label)} artifact of this run is the stored baseline.`,
    );
  }
}
