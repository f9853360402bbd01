// The `branch` baseline: a data branch with results history per runner label, written through the git data API.
import { parseResults, type Results } from '../schema/results.js';
import { InputError, getErrorMessage } from '../util/errors.js';
import type { GitHubClient, TreeChange } from '../github/client.js';
import { githubMessage, httpStatus, isReadOnlyTokenError } from '../github/errors.js';
import { silentLogger, type Logger } from '../util/log.js';
import { labelSlug } from '../util/label.js';
import type { BaselineStore } from './types.js';

export const DEFAULT_DATA_BRANCH = 'llm-bench-data';
export const INDEX_SCHEMA = 'llm-bench/baseline-index@1';

export interface IndexEntry {
  /** File name inside the label's directory: `results-<timestamp>-<sha>.json`. */
  file: string;
  sha: string | undefined;
  ref: string | undefined;
  started_at: string;
  saved_at: string;
}

export interface BaselineIndex {
  schema: typeof INDEX_SCHEMA;
  label: string;
  /** Newest first. */
  entries: IndexEntry[];
}

export interface BranchStoreOptions {
  client: GitHubClient;
  /** The `baseline-branch` input. */
  branch?: string;
  /** How many results to keep per label; older ones are deleted from the branch tip (history keeps them). */
  keep?: number;
  /** How many of the newest results `load` returns (default: all kept). */
  loadLimit?: number;
  /** Attempts at moving the branch when other jobs move it first. */
  maxAttempts?: number;
  log?: Logger;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

const README = `# llm-bench baselines

This branch is written by llm-bench and holds benchmark results used as
baselines: \`<runner-label>/results-<timestamp>-<sha>.json\`, newest listed first in
\`<runner-label>/index.json\`. Do not merge it into other branches.
`;

/** `2026-11-22T10:15:00.123Z` → `20261122T101500Z`: sorts by time as text and is safe in any path. */
export function compactTimestamp(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '00000000T000000Z';
  return date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');
}

export function resultsFileName(results: Results): string {
  const sha = (results.git?.sha ?? '').replace(/[^0-9a-f]/gi, '').slice(0, 12) || 'nosha';
  return `results-${compactTimestamp(results.started_at)}-${sha}.json`;
}

const RESULTS_FILE = /^results-\d{8}T\d{6}Z-[0-9A-Za-z]+\.json$/;

/** A conservative subset of git's ref-name rules: plain characters, no `..`, no empty or dot-led segment, no `.lock`. */
export function isSafeBranchName(name: string): boolean {
  return (
    /^[A-Za-z0-9._/-]+$/.test(name) &&
    !name.includes('..') &&
    name.split('/').every((part) => part !== '' && !part.startsWith('.') && !part.endsWith('.lock'))
  );
}

function isNonFastForward(error: unknown): boolean {
  return httpStatus(error) === 422 && /fast.forward|reference already exists/i.test(githubMessage(error));
}

export class BranchBaselineStore implements BaselineStore {
  readonly kind = 'branch' as const;
  readonly branch: string;
  private readonly client: GitHubClient;
  private readonly keep: number;
  private readonly loadLimit: number;
  private readonly maxAttempts: number;
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: BranchStoreOptions) {
    this.client = options.client;
    this.branch = options.branch ?? DEFAULT_DATA_BRANCH;
    if (!isSafeBranchName(this.branch)) {
      throw new InputError(`'baseline-branch' must be a valid branch name, got ${JSON.stringify(this.branch)}`);
    }
    this.keep = Math.max(1, options.keep ?? 20);
    this.loadLimit = Math.max(1, options.loadLimit ?? this.keep);
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.log = options.log ?? silentLogger;
    this.now = options.now ?? (() => new Date());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  private where(path: string): string {
    return `branch ${this.branch}: ${path}`;
  }

  private parseIndex(text: string, path: string): BaselineIndex {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new InputError(`the baseline index is not valid JSON: ${getErrorMessage(error)}`, {
        file: this.where(path),
      });
    }
    const index = data as Partial<BaselineIndex> | null;
    if (index?.schema !== INDEX_SCHEMA || !Array.isArray(index.entries)) {
      throw new InputError(`expected a ${INDEX_SCHEMA} document with an entries list`, { file: this.where(path) });
    }
    index.entries.forEach((e, i) => {
      if (typeof e?.file !== 'string' || !RESULTS_FILE.test(e.file)) {
        throw new InputError(
          `expected a file name like results-<timestamp>-<sha>.json, got ${JSON.stringify(e?.file)}`,
          {
            file: this.where(path),
            path: `entries[${i}].file`,
          },
        );
      }
    });
    return index as BaselineIndex;
  }

  async load(label: string): Promise<Results[]> {
    const slug = labelSlug(label);
    // Read everything at one commit, so a concurrent prune cannot pull a file from under us.
    const head = await this.client.getBranchHead(this.branch);
    if (!head) {
      this.log.info(`No baseline branch ${this.branch} yet: nothing to compare with. It is created on the first save.`);
      return [];
    }
    const indexPath = `${slug}/index.json`;
    const text = await this.client.readFileAtRef(indexPath, head);
    if (text === null) {
      this.log.info(`No baselines for runner "${label}" on branch ${this.branch} yet.`);
      return [];
    }
    const index = this.parseIndex(text, indexPath);
    const out: Results[] = [];
    for (const entry of index.entries.slice(0, this.loadLimit)) {
      const path = `${slug}/${entry.file}`;
      const body = await this.client.readFileAtRef(path, head);
      if (body === null) {
        this.log.warning(`The baseline index lists ${path} but branch ${this.branch} has no such file; skipped.`);
        continue;
      }
      let data: unknown;
      try {
        data = JSON.parse(body);
      } catch (error) {
        throw new InputError(`not valid JSON: ${getErrorMessage(error)}`, { file: this.where(path) });
      }
      out.push(parseResults(data, this.where(path)));
    }
    return out;
  }

  /**
   * Appends `results` for the label in one commit (results file + index, older files pruned), then
   * moves the branch. When another job moved it first (422 not a fast forward), the commit is
   * rebuilt on the new tip and tried again, up to `maxAttempts` times. A read-only token is a
   * warning; any other failure is thrown.
   */
  async save(label: string, results: Results): Promise<void> {
    const slug = labelSlug(label);
    const file = resultsFileName(results);
    let resultsBlob: string;
    try {
      resultsBlob = await this.client.createBlob(`${JSON.stringify(results, null, 2)}\n`);
    } catch (error) {
      if (isReadOnlyTokenError(error)) {
        this.log.warning(
          `Could not save the baseline to branch ${this.branch}: the token is read-only. Grant the job \`permissions: contents: write\`.`,
        );
        return;
      }
      throw error;
    }
    const entry: IndexEntry = {
      file,
      sha: results.git?.sha,
      ref: results.git?.ref,
      started_at: results.started_at,
      saved_at: this.now().toISOString(),
    };

    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const head = await this.client.getBranchHead(this.branch);
      const changes: TreeChange[] = [];
      let baseTree: string | undefined;
      let entries: IndexEntry[] = [];
      let existing: string[] = [];
      if (head) {
        baseTree = await this.client.getCommitTree(head);
        existing = ((await this.client.listDirectoryAtRef(slug, head)) ?? []).filter((name) => RESULTS_FILE.test(name));
        const indexText = await this.client.readFileAtRef(`${slug}/index.json`, head);
        if (indexText !== null) {
          try {
            entries = this.parseIndex(indexText, `${slug}/index.json`).entries;
          } catch (error) {
            this.log.warning(`${getErrorMessage(error)}; rebuilding the index from the files on the branch.`);
          }
        }
      } else {
        changes.push({ path: 'README.md', sha: await this.client.createBlob(README) });
      }
      // Files on the branch that the index lost (a crashed writer, a hand edit) still count as history.
      const known = new Set(entries.map((e) => e.file));
      for (const name of existing) {
        if (!known.has(name))
          entries.push({ file: name, sha: undefined, ref: undefined, started_at: '', saved_at: '' });
      }
      const all = [entry, ...entries.filter((e) => e.file !== file && existing.includes(e.file))].sort((a, b) =>
        b.file.localeCompare(a.file),
      );
      const kept = all.slice(0, this.keep);
      const keptFiles = new Set(kept.map((e) => e.file));
      const index: BaselineIndex = { schema: INDEX_SCHEMA, label, entries: kept };
      changes.push({ path: `${slug}/${file}`, sha: resultsBlob });
      changes.push({
        path: `${slug}/index.json`,
        sha: await this.client.createBlob(`${JSON.stringify(index, null, 2)}\n`),
      });
      for (const name of existing)
        if (!keptFiles.has(name) && name !== file) changes.push({ path: `${slug}/${name}`, sha: null });

      const tree = await this.client.createTree(baseTree, changes);
      const message = `llm-bench: baseline for ${label} at ${(results.git?.sha ?? 'unknown').slice(0, 12)}`;
      const commit = await this.client.createCommit(message, tree, head ? [head] : []);
      try {
        if (head) await this.client.updateBranch(this.branch, commit, false);
        else await this.client.createBranch(this.branch, commit);
        const pruned = existing.filter((name) => !keptFiles.has(name) && name !== file).length;
        this.log.info(
          `Saved the baseline for runner "${label}" to branch ${this.branch} as ${slug}/${file}${pruned ? ` (pruned ${pruned} older)` : ''}.`,
        );
        return;
      } catch (error) {
        if (!isNonFastForward(error) || attempt === this.maxAttempts) {
          if (isNonFastForward(error)) {
            throw new Error(
              `Could not save the baseline to branch ${this.branch}: other jobs moved it on each of ${this.maxAttempts} attempts.`,
            );
          }
          throw error;
        }
        this.log.debug?.(`Branch ${this.branch} moved while saving (attempt ${attempt}); rebuilding on the new tip.`);
        await this.sleep(Math.min(2000, 100 * 2 ** (attempt - 1)));
      }
    }
  }
}
