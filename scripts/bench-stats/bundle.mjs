// Bundles the TypeScript modules bench:stats needs (runner session, compare rules, statistics) into plain ESM with esbuild.
import { build } from 'esbuild';
import { join } from 'node:path';

/** Builds session, compare, stats and model bundles (.mjs) into `outdir`; returns their paths. */
export async function bundleLibrary(root, outdir) {
  const entryPoints = {
    session: join(root, 'src/runner/session.ts'),
    compare: join(root, 'src/compare/index.ts'),
    stats: join(root, 'src/stats/index.ts'),
    model: join(root, 'src/model/make.ts'),
  };
  await build({
    entryPoints,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Native code and its loader stay outside the bundle; node resolves them from node_modules.
    external: ['node-llama-cpp'],
    // Modules bundled from CommonJS call require(); give the ESM output one.
    banner: {
      js: "import { createRequire as __benchStatsRequire } from 'node:module'; const require = __benchStatsRequire(import.meta.url);",
    },
    logLevel: 'warning',
    outExtension: { '.js': '.mjs' },
  });
  return Object.fromEntries(Object.keys(entryPoints).map((k) => [k, join(outdir, `${k}.mjs`)]));
}
