// Bundles the action entry points and the CLI into dist/ (ESM). node-llama-cpp stays external: it carries
// native binaries per platform, which the action installs beside itself when needed (docs/action.md).
import { existsSync, rmSync } from 'node:fs';
import esbuild from 'rollup-plugin-esbuild';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import commonjs from '@rollup/plugin-commonjs';
import json from '@rollup/plugin-json';

const inputs = {
  main: 'src/action/main.ts',
  post: 'src/action/post.ts',
  cli: 'src/cli/index.ts',
};

export default {
  input: Object.fromEntries(Object.entries(inputs).filter(([, file]) => existsSync(file))),
  output: {
    dir: 'dist',
    format: 'es',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name].js',
    banner: (chunk) => (chunk.isEntry && chunk.name === 'cli' ? '#!/usr/bin/env node' : ''),
    sourcemap: false,
  },
  external: (id) => id === 'node-llama-cpp' || id.startsWith('node-llama-cpp/') || id.startsWith('node:'),
  plugins: [
    // Chunk names follow the modules they hold: a chunk renamed by a refactor must not stay behind, committed and
    // unused, beside its successor.
    { name: 'clean-chunks', buildStart: () => rmSync('dist/chunks', { recursive: true, force: true }) },
    esbuild({ target: 'node20', tsconfig: 'tsconfig.json' }),
    nodeResolve({ preferBuiltins: true, exportConditions: ['node', 'import', 'default'] }),
    commonjs(),
    json({ preferConst: true }),
  ],
  onwarn(warning, warn) {
    // Known-harmless: circular imports inside dependencies, and `this` at the top of their CJS files.
    if (warning.code === 'CIRCULAR_DEPENDENCY' && /node_modules/.test(warning.ids?.[0] ?? '')) return;
    if (warning.code === 'THIS_IS_UNDEFINED') return;
    if (warning.code === 'INVALID_ANNOTATION' && /node_modules/.test(warning.id ?? '')) return;
    warn(warning);
  },
};
