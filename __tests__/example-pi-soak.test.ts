// examples/pi-soak/bench.yml as written, at a short duration against the local Ollama peer, then `llm-bench soak`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { parseResults } from '../src/schema/results.js';
import { startOllamaPeer, type OllamaPeer } from './peers/ollama-server.js';

let peer: OllamaPeer;
let dir: string;
const run = async (argv: string[]): Promise<{ code: number; out: string; err: string }> => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    env: { PATH: process.env.PATH },
    log: (l) => err.push(l),
    print: (t) => out.push(t),
    tty: false,
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
};

beforeAll(async () => {
  peer = await startOllamaPeer({
    models: [
      {
        name: 'antconsales/antonio-gemma3-smart-q4',
        digest: `sha256:${'b'.repeat(64)}`,
        sizeBytes: 8e8,
        family: 'gemma3',
        parameterSize: '1B',
        quantization: 'Q4_0',
        parameterCount: 1e9,
      },
    ],
    tokens: 4,
    loadDelayMs: 0,
  });
  dir = await mkdtemp(join(tmpdir(), 'llm-bench-pi-soak-'));
  const example = await readFile(new URL('../examples/pi-soak/bench.yml', import.meta.url), 'utf8');
  // The example as written; only the server, the soak's length and its pace are shortened for a test.
  await writeFile(
    join(dir, 'bench.yml'),
    example
      .replace('http://127.0.0.1:11434', peer.url)
      .replace('duration_s: 3600, interval_s: 2', 'duration_s: 2, interval_s: 0.25'),
  );
});
afterAll(async () => {
  await peer?.close();
});

describe('examples/pi-soak', () => {
  it('runs as a paced soak, meets its readiness limits, and the soak analysis reads its journal', async () => {
    const r = await run([
      'run',
      '--config',
      join(dir, 'bench.yml'),
      '--out',
      join(dir, 'soak.json'),
      '--label',
      'pi-4',
    ]);
    expect(r.code, r.err).toBe(0);
    const results = parseResults(JSON.parse(await readFile(join(dir, 'soak.json'), 'utf8')), 'soak.json');
    const c = results.cases[0]!;
    // 2 s at one request every 0.25 s: at most 9 requests (back to back, the peer would answer hundreds).
    expect(c.samples.decode_tps!.length).toBeGreaterThanOrEqual(1);
    expect(c.samples.decode_tps!.length).toBeLessThanOrEqual(9);
    expect(c.samples.success_rate).toEqual([1]);
    const soak = await run([
      'soak',
      '--journal',
      join(dir, 'soak.json.jsonl'),
      '--results',
      join(dir, 'soak.json'),
      '--format',
      'json',
    ]);
    expect(soak.code, soak.err).toBe(0);
    const analysis = JSON.parse(soak.out) as {
      requests: number;
      success: { rate: number; ci: [number, number] };
      outages: unknown[];
    };
    expect(analysis.requests).toBe(c.samples.decode_tps!.length);
    expect(analysis.success.rate).toBe(1);
    expect(analysis.outages).toEqual([]);
  });
});
