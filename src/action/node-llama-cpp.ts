// Finds node-llama-cpp for the embedded engine: beside the action, else the pinned version installed once into the runner's tool cache.
//
// The bundle leaves node-llama-cpp out (it carries native binaries per platform), and `uses: owner/llm-bench@v1`
// checks out the action without node_modules, so the import usually fails on a runner. Then npm installs the
// pinned version with only this platform's prebuilt binaries into a temporary directory, @actions/tool-cache
// files it under RUNNER_TOOL_CACHE (kept between jobs on a self-hosted runner), and it is imported from there.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getErrorMessage } from '../util/errors.js';

export type NodeLlamaCpp = typeof import('node-llama-cpp');

export const TOOL_NAME = 'node-llama-cpp';

/**
 * The `@node-llama-cpp/*` packages of prebuilt binaries this machine can use, as node-llama-cpp looks them up
 * (bindings/utils/compileLLamaCpp.js): the CPU build, plus the CUDA builds on x64 with an NVIDIA driver.
 * Empty for a platform without prebuilt binaries (node-llama-cpp would then have to compile, which `build: never` refuses).
 */
export function prebuiltBinaryPackages(platform: string, arch: string, options: { nvidia?: boolean } = {}): string[] {
  const cuda = (os: 'linux' | 'win'): string[] =>
    options.nvidia ? [`@node-llama-cpp/${os}-x64-cuda`, `@node-llama-cpp/${os}-x64-cuda-ext`] : [];
  if (platform === 'darwin') {
    if (arch === 'arm64') return ['@node-llama-cpp/mac-arm64-metal'];
    if (arch === 'x64') return ['@node-llama-cpp/mac-x64'];
  }
  if (platform === 'linux') {
    if (arch === 'x64') return ['@node-llama-cpp/linux-x64', ...cuda('linux')];
    if (arch === 'arm64') return ['@node-llama-cpp/linux-arm64'];
    if (arch === 'arm') return ['@node-llama-cpp/linux-armv7l'];
    if (arch === 'riscv64') return ['@node-llama-cpp/linux-riscv64'];
  }
  if (platform === 'win32') {
    if (arch === 'x64') return ['@node-llama-cpp/win-x64', ...cuda('win')];
    if (arch === 'arm64') return ['@node-llama-cpp/win-arm64'];
  }
  return [];
}

/** The tool cache's "arch" slot: the variant, so a CUDA install and a CPU-only one never stand in for each other. */
export function toolCacheArch(arch: string, packages: string[]): string {
  return packages.some((p) => p.endsWith('-cuda')) ? `${arch}-cuda` : arch;
}

/** npm's arguments: the exact version, these binaries only, no install scripts (the prebuilt binaries need none). */
export function npmInstallArgs(version: string, packages: string[]): string[] {
  return [
    'install',
    '--no-audit',
    '--no-fund',
    '--no-package-lock',
    '--ignore-scripts',
    // node-llama-cpp lists every platform's binaries as optional dependencies; the wanted ones are named below.
    '--omit=optional',
    '--omit=dev',
    `${TOOL_NAME}@${version}`,
    ...packages.map((p) => `${p}@${version}`),
  ];
}

/** Runs the installation in `dir` (a directory with a package.json). Injected so tests never download. */
export type NodeLlamaCppInstaller = (dir: string, args: string[], log: (line: string) => void) => Promise<void>;

/** The two calls of @actions/tool-cache used here. */
export interface ToolCache {
  find(toolName: string, versionSpec: string, arch?: string): string;
  cacheDir(sourceDir: string, tool: string, version: string, arch?: string): Promise<string>;
}

export interface NodeLlamaCppResolver {
  /** node-llama-cpp as the action's bundle would import it (the import beside dist/). */
  importBeside: () => Promise<NodeLlamaCpp>;
  version: string;
  platform: string;
  arch: string;
  nvidia: boolean;
  toolCache: ToolCache;
  install: NodeLlamaCppInstaller;
  /** Where the temporary install happens (RUNNER_TEMP). */
  tempDir?: string;
  log: (line: string) => void;
}

/** Imports node-llama-cpp from an installation directory (the one holding node_modules/node-llama-cpp). */
export async function importFromDir(dir: string): Promise<NodeLlamaCpp> {
  const require = createRequire(join(dir, 'package.json'));
  const entry = require.resolve(TOOL_NAME);
  return (await import(pathToFileURL(entry).href)) as NodeLlamaCpp;
}

/**
 * node-llama-cpp beside the action when it resolves; else the tool cache's copy of the pinned version;
 * else installs it there first. Throws when no prebuilt binary exists for this platform or npm fails,
 * with the reason of the first import too.
 */
export async function resolveNodeLlamaCpp(r: NodeLlamaCppResolver): Promise<NodeLlamaCpp> {
  let besideError: unknown;
  try {
    return await r.importBeside();
  } catch (error) {
    besideError = error;
  }
  const packages = prebuiltBinaryPackages(r.platform, r.arch, { nvidia: r.nvidia });
  if (packages.length === 0) {
    throw new Error(
      `node-llama-cpp is not installed beside the action (${getErrorMessage(besideError)}) and has no prebuilt binaries for ${r.platform}-${r.arch}; ` +
        'use the ollama or openai engine on this runner',
    );
  }
  const arch = toolCacheArch(r.arch, packages);
  const cached = r.toolCache.find(TOOL_NAME, r.version, arch);
  if (cached) {
    r.log(`Using node-llama-cpp ${r.version} from the tool cache: ${cached}`);
    return importFromDir(cached);
  }
  r.log(
    `node-llama-cpp is not beside the action (${getErrorMessage(besideError)}); installing ${r.version} with ${packages.join(', ')} into the tool cache.`,
  );
  const base = r.tempDir ?? tmpdir();
  await mkdir(base, { recursive: true });
  const dir = await mkdtemp(join(base, 'llm-bench-node-llama-cpp-'));
  await writeFile(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'llm-bench-node-llama-cpp', private: true, type: 'module' }, null, 2)}\n`,
  );
  try {
    await r.install(dir, npmInstallArgs(r.version, packages), r.log);
  } catch (error) {
    throw new Error(`installing node-llama-cpp ${r.version} failed: ${getErrorMessage(error)}`);
  }
  if (!existsSync(join(dir, 'node_modules', TOOL_NAME, 'package.json'))) {
    throw new Error(`installing node-llama-cpp ${r.version} left no node_modules/${TOOL_NAME} in ${dir}`);
  }
  const installed = await r.toolCache.cacheDir(dir, TOOL_NAME, r.version, arch);
  r.log(`Installed node-llama-cpp ${r.version} into ${installed}`);
  return importFromDir(installed);
}

/**
 * npm from the Node installation running the action (the runner's own node ships npm beside it), else
 * `npm` on the PATH.
 */
export function npmCommand(execPath: string = process.execPath): { command: string; prefixArgs: string[] } {
  const candidates = [
    join(dirname(execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
    join(dirname(execPath), 'node_modules', 'npm', 'bin', 'npm-cli.js'),
  ];
  const cli = candidates.find((file) => existsSync(file));
  if (cli) return { command: execPath, prefixArgs: [cli] };
  return { command: process.platform === 'win32' ? 'npm.cmd' : 'npm', prefixArgs: [] };
}

/** The real installer: npm through @actions/exec, output in the log. */
export const npmInstaller: NodeLlamaCppInstaller = async (dir, args) => {
  const { exec } = await import('@actions/exec');
  const npm = npmCommand();
  const code = await exec(npm.command, [...npm.prefixArgs, ...args], { cwd: dir, ignoreReturnCode: true });
  if (code !== 0) throw new Error(`npm ${args.join(' ')} exited with code ${code}`);
};

/** Whether an NVIDIA driver is present (Linux: /proc/driver/nvidia; Windows: nvidia-smi where the driver puts it). */
export function hasNvidiaDriver(platform: string = process.platform): boolean {
  if (platform === 'linux') return existsSync('/proc/driver/nvidia/version');
  if (platform === 'win32')
    return existsSync(join(process.env.SystemRoot ?? 'C:\\Windows', 'System32', 'nvidia-smi.exe'));
  return false;
}

/** The loader handed to the engines: resolved once, on first use, so runs that never use the embedded engine never install it. */
export function lazyNodeLlamaCpp(resolver: () => Promise<NodeLlamaCppResolver>): () => Promise<NodeLlamaCpp> {
  let loading: Promise<NodeLlamaCpp> | undefined;
  return () => {
    loading ??= resolver().then(resolveNodeLlamaCpp);
    // A failure is not cached: a later case may try again (the engine reports the first one anyway).
    loading.catch(() => (loading = undefined));
    return loading;
  };
}
