// Child process of bench:stats: one benchmark session (a plain run, or an A/B run of two sides) in a fresh process.
// Usage: node collect-one.mjs <bundled session.mjs> <out.json> <cacheDir> <config> [<head config>]
import { pathToFileURL } from 'node:url';

const [sessionModule, out, cacheDir, baseConfig, headConfig] = process.argv.slice(2);
const { runSession } = await import(pathToFileURL(sessionModule).href);
const sides = headConfig
  ? [
      { side: 'base', config: baseConfig },
      { side: 'head', config: headConfig },
    ]
  : [{ config: baseConfig }];
const lines = [];
const results = await runSession(
  sides,
  { out, cacheDir, label: 'bench-stats' },
  { env: process.env, log: (line) => lines.push(line) },
);
const errors = results.cases.reduce((n, c) => n + c.errors.length, 0);
if (results.status !== 'complete' || errors > 0) {
  process.stderr.write(
    `${lines
      .filter((l) => l.includes('✗'))
      .slice(-10)
      .join('\n')}\nsession ${results.status}, ${errors} errors\n`,
  );
  process.exit(1);
}
