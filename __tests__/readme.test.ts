// Keeps the README true: its opening commands, its configs, its links, and its CLI walkthrough, run for real.
import { beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdtemp, readFile, readdir, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../src/config/parse.js';
import { REPO_ROOT, runCli } from './helpers/cli.js';
import { ensureModel } from './helpers/models.js';

let readme: string;

function fences(lang: string): string[] {
  return [...readme.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1]!);
}

async function filesUnder(dir: string, ext: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'models') out.push(...(await filesUnder(path, ext)));
    else if (entry.name.endsWith(ext)) out.push(path);
  }
  return out;
}

beforeAll(async () => {
  readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
});

describe('README', () => {
  it('opens with the two commands for a fresh machine, and CI runs the second', async () => {
    expect(fences('sh')[0]!.trim().split('\n')).toEqual(['npm ci && npm run demo', 'npm test']);
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.demo).toBe('node dist/cli.js demo');
    expect(pkg.scripts.test).toMatch(/vitest run/);
    expect(await readFile(join(REPO_ROOT, '.ci/run'), 'utf8')).toMatch(/^npm test$/m);
  });

  it('shows only configs that exist under examples/ and parse', async () => {
    const examples = await Promise.all(
      (await filesUnder(join(REPO_ROOT, 'examples'), '.yml')).map(async (f) => ({
        f,
        text: await readFile(f, 'utf8'),
      })),
    );
    const configs = fences('yaml').filter((b) => /^engine:/m.test(b));
    expect(configs.length).toBeGreaterThanOrEqual(2);
    for (const block of configs) {
      const file = examples.find((e) => e.text === block);
      expect(
        file,
        `README config block starting "${block.split('\n')[0]}" is not the text of any examples/ file`,
      ).toBeDefined();
      expect(parseConfig(block, file!.f).models.length).toBeGreaterThan(0);
    }
  });

  it('only shows workflow steps whose inputs exist in action.yml', async () => {
    const inputs = Object.keys(parseYaml(await readFile(join(REPO_ROOT, 'action.yml'), 'utf8')).inputs);
    for (const block of fences('yaml').filter((b) => /^\s*(jobs|on):/m.test(b))) {
      const workflow = parseYaml(block);
      for (const job of Object.values<any>(workflow.jobs ?? {})) {
        for (const step of job.steps ?? []) {
          if (typeof step.uses === 'string' && /llm-bench|^\.\/?$/.test(step.uses)) {
            for (const key of Object.keys(step.with ?? {})) expect(inputs, `with: ${key}`).toContain(key);
          }
        }
      }
    }
  });

  it('links only to files that exist', () => {
    for (const [, target] of readme.matchAll(/\]\(((?!https?:)[^)#\s]+)\)/g)) {
      expect(existsSync(join(REPO_ROOT, target!)), target).toBe(true);
    }
  });

  it('runs the command-line walkthrough as written', async () => {
    const work = await mkdtemp(join(tmpdir(), 'llm-bench-readme-'));
    await cp(join(REPO_ROOT, 'examples'), join(work, 'examples'), {
      recursive: true,
      filter: (src) => !src.includes('/models'),
    });
    // The walkthrough generates the medium model itself; the small one is what `npm run demo` leaves behind.
    await cp(await ensureModel('small'), join(work, 'examples/quickstart/models/small.gguf'));
    const block = fences('sh').find((b) => b.includes('npx llm-bench run'))!;
    const lines = block.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(6);
    // Exit codes: compare and ab find the medium model's regression (1); the rest succeed (0).
    for (const line of lines) {
      const args = line.replace(/^npx llm-bench /, '').split(/\s+/);
      const r = await runCli(args, { cwd: work, timeoutMs: 300_000 });
      const expected = args[0] === 'compare' || args[0] === 'ab' ? 1 : 0;
      expect(r.code, `${line}\n${r.stderr.slice(-500)}`).toBe(expected);
    }
    expect((await stat(join(work, 'out/summary.md'))).size).toBeGreaterThan(500);
    expect(JSON.parse(await readFile(join(work, 'out/ab-verdict.json'), 'utf8')).strategy).toBe('ab');
  });
});
