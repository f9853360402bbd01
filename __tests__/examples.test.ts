// Every example workflow uses only inputs action.yml has, with values the action accepts, under permissions that cover
// what those inputs do; every example bench.yml passes the real config loader.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { loadConfig } from '../src/io/config.js';
import { parseInputs } from '../src/action/inputs.js';
import type { InputName } from '../src/action/constants.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLES = join(ROOT, 'examples');
const WORKFLOWS = join(EXAMPLES, 'workflows');
/** The examples use the published action throughout, as a user copies them (docs/action.md says so). */
const ACTION = /^llm-bench\/llm-bench@v\d+$/;

const actionYml = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
};
const INPUT_NAMES = Object.keys(actionYml.inputs);

type Level = 'none' | 'read' | 'write';
type Permissions = Record<string, Level>;
interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on'?: unknown;
  needs?: string | string[];
  permissions?: Permissions | string;
  steps?: Step[];
}
interface Workflow {
  name?: string;
  on?: Record<string, unknown>;
  permissions?: Permissions | string;
  jobs: Record<string, Job>;
}

function filesUnder(dir: string, match: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path, match));
    else if (match(entry.name)) out.push(path);
  }
  return out.sort();
}

const workflowFiles = filesUnder(WORKFLOWS, (n) => /\.ya?ml$/.test(n));
const workflows = workflowFiles.map((file) => ({
  file: relative(ROOT, file),
  workflow: parse(readFileSync(file, 'utf8')) as Workflow,
}));
const benchFiles = filesUnder(EXAMPLES, (n) => /^bench(\.[\w-]+)?\.ya?ml$/.test(n));

const RANK: Record<Level, number> = { none: 0, read: 1, write: 2 };

/**
 * What the action needs for the inputs a step passes (docs/action.md "Permissions"): contents read always;
 * checks write and, unless comments are off, pull-requests write where it reports; actions read to read
 * artifacts; contents write where the branch store saves.
 */
function requiredPermissions(withInputs: Record<string, string>): Permissions {
  const input = (name: string): string => withInputs[name] ?? actionYml.inputs[name]!.default ?? '';
  const mode = input('mode');
  const baseline = input('baseline');
  const reports = mode === 'all' || mode === 'report';
  const need: Permissions = { contents: 'read' };
  if (reports) need.checks = 'write';
  if (reports && input('comment') !== 'never') need['pull-requests'] = 'write';
  if (mode === 'report' || (mode === 'all' && baseline === 'artifact')) need.actions = 'read';
  if (baseline === 'branch' && mode !== 'report' && input('save-baseline') !== 'false') need.contents = 'write';
  return need;
}

function granted(permissions: Permissions | string | undefined): Permissions {
  if (permissions === 'write-all') return new Proxy({}, { get: () => 'write' });
  if (permissions === 'read-all') return new Proxy({}, { get: () => 'read' });
  if (permissions === undefined || typeof permissions === 'string') return {};
  return permissions;
}

const steps = () =>
  workflows.flatMap(({ file, workflow }) =>
    Object.entries(workflow.jobs).flatMap(([jobName, job]) =>
      (job.steps ?? [])
        .map((step, index) => ({ file, workflow, jobName, job, step, index }))
        .filter((s) => s.step.uses !== undefined && /llm-bench/.test(s.step.uses)),
    ),
  );

describe('example workflows', () => {
  it('exist: one GPU runner, a matrix with a report job, and the fork-safe pair', () => {
    expect(workflowFiles.map((f) => relative(WORKFLOWS, f))).toEqual(
      expect.arrayContaining(['fork-safe-bench.yml', 'fork-safe-report.yml', 'matrix.yml', 'ollama-gpu.yml']),
    );
    expect(steps().length).toBeGreaterThanOrEqual(5);
  });

  it('use the published action, with only inputs of action.yml', () => {
    for (const { file, jobName, step } of steps()) {
      expect([file, jobName, step.uses]).toEqual([file, jobName, expect.stringMatching(ACTION)]);
      for (const key of Object.keys(step.with ?? {}))
        expect([file, jobName, key, INPUT_NAMES.includes(key)]).toEqual([file, jobName, key, true]);
    }
  });

  it('pass values the action accepts (expressions aside)', () => {
    for (const { file, jobName, step } of steps()) {
      const values = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, String(v)]));
      const read = (name: InputName): string => {
        const value = values[name] ?? '';
        // `${{ matrix.label }}` is the runner's to expand: stand in a plain value.
        return value.includes('${{') ? 'expanded-by-the-runner' : value;
      };
      expect(() => parseInputs(read), `${file} job ${jobName}`).not.toThrow();
    }
  });

  it('grant each job exactly the permissions its inputs need, or more', () => {
    for (const { file, workflow, jobName, job, step } of steps()) {
      const values = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, String(v)]));
      const need = requiredPermissions(values);
      // Without a permissions block the token gets the repository default: the examples always say.
      expect(job.permissions ?? workflow.permissions, `${file} job ${jobName} has no permissions block`).toBeDefined();
      const have = granted(job.permissions ?? workflow.permissions);
      for (const [scope, level] of Object.entries(need)) {
        expect([file, jobName, scope, RANK[have[scope] ?? 'none'] >= RANK[level]]).toEqual([
          file,
          jobName,
          scope,
          true,
        ]);
      }
    }
  });

  it('check out the repository before the action reads bench.yml', () => {
    for (const { file, jobName, job, index } of steps()) {
      const checkout = (job.steps ?? []).findIndex((s) => s.uses?.startsWith('actions/checkout@'));
      expect([file, jobName, checkout >= 0 && checkout < index]).toEqual([file, jobName, true]);
    }
  });

  it('wire matrix reports and workflow_run reports to jobs and workflows that exist', () => {
    const names = workflows.map((w) => w.workflow.name);
    for (const { file, workflow } of workflows) {
      for (const [jobName, job] of Object.entries(workflow.jobs)) {
        for (const need of [job.needs ?? []].flat())
          expect([file, jobName, need, need in workflow.jobs]).toEqual([file, jobName, need, true]);
      }
      const run = workflow.on?.workflow_run as { workflows?: string[] } | undefined;
      for (const name of run?.workflows ?? []) expect(names).toContain(name);
    }
    // A report job (mode: report) always waits for the runs (needs:) or is triggered by their workflow.
    for (const { file, workflow, job, step } of steps()) {
      if ((step.with?.mode as string | undefined) !== 'report') continue;
      expect([file, job.needs !== undefined || workflow.on?.workflow_run !== undefined]).toEqual([file, true]);
    }
  });

  it('the fork-safe pair: the pull_request side asks for no write permission, the workflow_run side posts', () => {
    const bench = workflows.find((w) => w.file.endsWith('fork-safe-bench.yml'))!.workflow;
    const report = workflows.find((w) => w.file.endsWith('fork-safe-report.yml'))!.workflow;
    expect(Object.keys(bench.on ?? {})).toContain('pull_request');
    for (const job of Object.values(bench.jobs)) {
      const perms = granted(job.permissions ?? bench.permissions);
      expect(Object.values(perms).filter((level) => level === 'write')).toEqual([]);
    }
    expect((report.on?.workflow_run as { workflows: string[] } | undefined)?.workflows).toEqual([bench.name]);
    expect(granted(report.permissions)).toMatchObject({ 'pull-requests': 'write', checks: 'write', actions: 'read' });
  });

  it('the permission rule itself follows the inputs', () => {
    expect(requiredPermissions({})).toEqual({ contents: 'read', checks: 'write', 'pull-requests': 'write' });
    expect(requiredPermissions({ comment: 'never' })).toEqual({ contents: 'read', checks: 'write' });
    expect(requiredPermissions({ mode: 'run' })).toEqual({ contents: 'read' });
    expect(requiredPermissions({ mode: 'run', baseline: 'branch' })).toEqual({ contents: 'write' });
    expect(requiredPermissions({ mode: 'report', baseline: 'branch' })).toEqual({
      contents: 'read',
      checks: 'write',
      'pull-requests': 'write',
      actions: 'read',
    });
    expect(requiredPermissions({ baseline: 'artifact' })).toMatchObject({ actions: 'read' });
  });
});

describe('example configs', () => {
  it.each(benchFiles.map((f) => [relative(ROOT, f), f]))(
    '%s loads with the real config parser',
    async (_name, file) => {
      const config = await loadConfig(file);
      expect(config.models.length).toBeGreaterThan(0);
      for (const prompt of config.prompts) expect(prompt.text?.trim()).toBeTruthy();
    },
  );

  it('include one for each example workflow that needs its own', () => {
    const names = benchFiles.map((f) => relative(EXAMPLES, f));
    expect(names).toEqual(expect.arrayContaining(['matrix/bench.yml', 'ollama-gpu/bench.yml']));
  });
});
