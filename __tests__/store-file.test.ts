// The `file` baseline store and runner-label slugs: validation errors that name the file, per-label paths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeResults, recordingLogger } from './peers/github-server.js';
import { FileBaselineStore } from '../src/store/file.js';
import { labelSlug } from '../src/util/label.js';
import { createBaselineStore } from '../src/store/index.js';
import { InputError } from '../src/util/errors.js';
import { parseResults } from '../src/schema/results.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'llm-bench-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('file store', () => {
  it('loads and validates a committed results file', async () => {
    const path = await write('ok.json', JSON.stringify(makeResults('gpu')));
    const loaded = await new FileBaselineStore({ path }).load('gpu');
    expect(loaded).toHaveLength(1);
    expect(loaded[0]!.runner.label).toBe('gpu');
  });

  it('a missing file is no baseline, with a message', async () => {
    const log = recordingLogger();
    expect(await new FileBaselineStore({ path: join(dir, 'absent.json'), log }).load('gpu')).toEqual([]);
    expect(log.lines.info[0]).toContain(`No baseline file at ${join(dir, 'absent.json')}`);
  });

  it.each([
    ['not JSON', '{"schema": ', /: the baseline file is not valid JSON/],
    [
      'another schema',
      JSON.stringify({ schema: 'llm-bench/verdict@1' }),
      /: schema: expected schema "llm-bench\/results@1", got "llm-bench\/verdict@1"/,
    ],
    ['an older results version', JSON.stringify({ schema: 'llm-bench/results@0' }), /another version of llm-bench/],
    [
      'a bad sample',
      JSON.stringify({
        ...makeResults('gpu'),
        cases: [{ ...(makeResults('gpu').cases as object[])[0], samples: { decode_tps: [-1] } }],
      }),
      /: cases\[0\]\.samples\.decode_tps\[0\]: expected a non-negative number/,
    ],
  ])('a corrupt file (%s) is an InputError naming the file and the path', async (name, text, message) => {
    const path = await write(`bad-${name.replace(/\W+/g, '-')}.json`, text);
    const error = await new FileBaselineStore({ path }).load('gpu').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).file).toBe(path);
    expect((error as Error).message.startsWith(path)).toBe(true);
    expect((error as Error).message).toMatch(message);
  });

  it('a directory where the file should be is an InputError', async () => {
    await mkdir(join(dir, 'a-dir.json'), { recursive: true });
    await expect(new FileBaselineStore({ path: join(dir, 'a-dir.json') }).load('gpu')).rejects.toThrow(
      /is a directory, expected a file/,
    );
  });

  it('warns when the file was recorded on another runner', async () => {
    const path = await write('other.json', JSON.stringify(makeResults('laptop')));
    const log = recordingLogger();
    expect(await new FileBaselineStore({ path, log }).load('gpu')).toHaveLength(1);
    expect(log.lines.warning[0]).toContain('recorded on runner "laptop", not "gpu"');
  });

  it('{label} in the path keeps one file per runner; save writes what load reads', async () => {
    const s = createBaselineStore({ kind: 'file', path: join(dir, 'baselines', '{label}.json') });
    const results = parseResults(makeResults('gpu/4080'), 'fixture');
    await s.save('gpu/4080', results);
    const expectedPath = join(dir, 'baselines', `${labelSlug('gpu/4080')}.json`);
    expect(JSON.parse(await readFile(expectedPath, 'utf8'))).toEqual(results);
    expect(await s.load('gpu/4080')).toEqual([results]);
    expect(await s.load('pi')).toEqual([]);
  });

  it('needs a path', () => {
    expect(() => new FileBaselineStore({ path: ' ' })).toThrow(
      "the 'baseline-path' input is required when baseline is 'file'",
    );
  });
});

describe('labelSlug', () => {
  it.each([
    ['gpu-4080', 'gpu-4080'],
    ['pi5.local', 'pi5.local'],
    ['Apple_M2', 'Apple_M2'],
  ])('keeps a safe label %s as it is', (label, slug) => {
    expect(labelSlug(label)).toBe(slug);
  });

  it.each(['gpu/4080', '../../etc', '..', '.hidden', 'a b', 'a,b', 'ünïcode', 'x'.repeat(120), 'a..b', 'C:\\runner'])(
    'makes %s safe and distinct',
    (label) => {
      const slug = labelSlug(label);
      expect(slug).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
      expect(slug).not.toContain('..');
      expect(slug.length).toBeLessThanOrEqual(80);
      expect(slug).not.toBe(label);
      expect(labelSlug(label)).toBe(slug); // deterministic
    },
  );

  it('labels that clean up to the same text still get different slugs', () => {
    expect(labelSlug('gpu/4080')).not.toBe(labelSlug('gpu 4080'));
    expect(labelSlug('gpu/4080')).not.toBe('gpu-4080');
  });

  it('an empty label is an InputError', () => {
    expect(() => labelSlug('  ')).toThrow(InputError);
  });
});
