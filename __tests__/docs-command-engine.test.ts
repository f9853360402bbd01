// docs/command-engine.md's example, run as written: the program and the config from the page, through `llm-bench run`.
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { parseResults } from '../src/schema/results.js';

describe('docs/command-engine.md', () => {
  it('its example program and config run and give the metrics the page says', async () => {
    const page = await readFile(new URL('../docs/command-engine.md', import.meta.url), 'utf8');
    const program = /```js\n([\s\S]*?)```/.exec(page)![1]!;
    const config = /```yaml\n([\s\S]*?)```/.exec(page)![1]!;
    const dir = await mkdtemp(join(tmpdir(), 'llm-bench-docs-command-'));
    await writeFile(join(dir, 'count-words.mjs'), program);
    await writeFile(join(dir, 'bench.yml'), config);
    const err: string[] = [];
    const code = await main(
      ['run', '--config', join(dir, 'bench.yml'), '--out', join(dir, 'r.json'), '--label', 'docs'],
      {
        env: { PATH: process.env.PATH },
        log: (l) => err.push(l),
        print: () => {},
        tty: false,
      },
    );
    expect(code, err.join('\n')).toBe(0);
    const results = parseResults(JSON.parse(await readFile(join(dir, 'r.json'), 'utf8')), 'r.json');
    const c = results.cases[0]!;
    expect(c.samples.decode_tps).toHaveLength(4);
    expect(c.samples.output_tokens).toEqual([16, 16, 16, 16]);
    // The prompt's 6 words, after the short unique prefix the runner adds to every request (workload.vary_prompt).
    for (const words of c.samples.prompt_words!) expect(words).toBeGreaterThanOrEqual(7);
    expect(results.metrics.prompt_words).toMatchObject({ direction: 'none', unit: 'words' });
    // One output hash per request, the warm-up included.
    expect(c.output_sha256).toHaveLength(5);
  });
});
