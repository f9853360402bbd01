// Finding node-llama-cpp from the action: beside it, else installed once (pinned, this platform's binaries only) into the tool cache.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as toolCache from '@actions/tool-cache';
import {
  lazyNodeLlamaCpp,
  npmCommand,
  npmInstallArgs,
  prebuiltBinaryPackages,
  resolveNodeLlamaCpp,
  toolCacheArch,
  type NodeLlamaCpp,
  type NodeLlamaCppInstaller,
  type NodeLlamaCppResolver,
} from '../src/action/node-llama-cpp.js';
import { ensureModel } from './helpers/models.js';

const NODE_MODULES = fileURLToPath(new URL('../node_modules', import.meta.url));
const VERSION = '3.22.1';
let root: string;
const savedToolCache = process.env.RUNNER_TOOL_CACHE;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'llm-bench-nlc-'));
  // @actions/tool-cache reads RUNNER_TOOL_CACHE on every call.
  process.env.RUNNER_TOOL_CACHE = join(root, 'tool-cache');
});

afterAll(async () => {
  if (savedToolCache === undefined) delete process.env.RUNNER_TOOL_CACHE;
  else process.env.RUNNER_TOOL_CACHE = savedToolCache;
  await rm(root, { recursive: true, force: true });
});

interface Install {
  dir: string;
  args: string[];
}

/** An installer that writes a stand-in package (a module saying where it lives) and records what npm would have been asked. */
function fakeInstaller(calls: Install[]): NodeLlamaCppInstaller {
  return async (dir, args) => {
    calls.push({ dir, args });
    const pkg = join(dir, 'node_modules', 'node-llama-cpp');
    await mkdir(join(pkg, 'dist'), { recursive: true });
    await writeFile(
      join(pkg, 'package.json'),
      JSON.stringify({
        name: 'node-llama-cpp',
        version: VERSION,
        type: 'module',
        exports: { '.': { node: './dist/index.js', default: './dist/index.js' } },
      }),
    );
    await writeFile(join(pkg, 'dist', 'index.js'), 'export const installedAt = import.meta.url;\n');
  };
}

const notBeside = async (): Promise<NodeLlamaCpp> => {
  throw new Error("Cannot find package 'node-llama-cpp' imported from /runner/_actions/llm-bench/v1/dist/main.js");
};

function resolver(overrides: Partial<NodeLlamaCppResolver>): NodeLlamaCppResolver {
  return {
    importBeside: notBeside,
    version: VERSION,
    platform: 'linux',
    arch: 'x64',
    nvidia: false,
    toolCache,
    install: fakeInstaller([]),
    tempDir: join(root, 'runner-temp'),
    log: () => {},
    ...overrides,
  };
}

describe('which prebuilt binaries a runner gets', () => {
  it.each([
    ['linux', 'x64', false, ['@node-llama-cpp/linux-x64']],
    [
      'linux',
      'x64',
      true,
      ['@node-llama-cpp/linux-x64', '@node-llama-cpp/linux-x64-cuda', '@node-llama-cpp/linux-x64-cuda-ext'],
    ],
    ['linux', 'arm64', true, ['@node-llama-cpp/linux-arm64']],
    ['linux', 'arm', false, ['@node-llama-cpp/linux-armv7l']],
    ['darwin', 'arm64', false, ['@node-llama-cpp/mac-arm64-metal']],
    ['darwin', 'x64', false, ['@node-llama-cpp/mac-x64']],
    [
      'win32',
      'x64',
      true,
      ['@node-llama-cpp/win-x64', '@node-llama-cpp/win-x64-cuda', '@node-llama-cpp/win-x64-cuda-ext'],
    ],
    ['freebsd', 'x64', false, []],
  ] as const)('%s-%s (NVIDIA: %s)', (platform, arch, nvidia, packages) => {
    expect(prebuiltBinaryPackages(platform, arch, { nvidia })).toEqual(packages);
  });

  it('asks npm for the exact version, these binaries only, and no install scripts', () => {
    const args = npmInstallArgs(VERSION, ['@node-llama-cpp/linux-x64']);
    expect(args).toContain('--ignore-scripts');
    expect(args).toContain('--omit=optional');
    expect(args.filter((a) => !a.startsWith('-'))).toEqual([
      'install',
      'node-llama-cpp@3.22.1',
      '@node-llama-cpp/linux-x64@3.22.1',
    ]);
    expect(toolCacheArch('x64', prebuiltBinaryPackages('linux', 'x64', { nvidia: true }))).toBe('x64-cuda');
    expect(toolCacheArch('x64', prebuiltBinaryPackages('linux', 'x64'))).toBe('x64');
  });

  it("runs the npm that ships with the runner's node when there is one", async () => {
    const node = join(root, 'node-dist');
    await mkdir(join(node, 'bin'), { recursive: true });
    await mkdir(join(node, 'lib', 'node_modules', 'npm', 'bin'), { recursive: true });
    await writeFile(join(node, 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'), '');
    expect(npmCommand(join(node, 'bin', 'node'))).toEqual({
      command: join(node, 'bin', 'node'),
      prefixArgs: [join(node, 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js')],
    });
    expect(npmCommand(join(root, 'nowhere', 'node')).prefixArgs).toEqual([]);
  });
});

describe('resolveNodeLlamaCpp', () => {
  it('uses the copy beside the action and installs nothing when it resolves', async () => {
    const calls: Install[] = [];
    const beside = { besides: true } as unknown as NodeLlamaCpp;
    const mod = await resolveNodeLlamaCpp(
      resolver({ importBeside: async () => beside, install: fakeInstaller(calls) }),
    );
    expect(mod).toBe(beside);
    expect(calls).toEqual([]);
  });

  it('installs into the tool cache once, then imports it from there', async () => {
    const calls: Install[] = [];
    const logs: string[] = [];
    const first = (await resolveNodeLlamaCpp(
      resolver({ install: fakeInstaller(calls), log: (l) => logs.push(l) }),
    )) as unknown as { installedAt: string };
    expect(calls).toHaveLength(1);
    expect(calls[0]!.dir.startsWith(join(root, 'runner-temp', 'llm-bench-node-llama-cpp-'))).toBe(true);
    expect(calls[0]!.args).toEqual(npmInstallArgs(VERSION, ['@node-llama-cpp/linux-x64']));
    const cached = join(root, 'tool-cache', 'node-llama-cpp', VERSION, 'x64');
    expect(first.installedAt).toBe(`file://${join(cached, 'node_modules', 'node-llama-cpp', 'dist', 'index.js')}`);
    expect(existsSync(`${cached}.complete`)).toBe(true);
    expect(logs.join('\n')).toMatch(
      /Cannot find package 'node-llama-cpp'.*installing 3\.22\.1 with @node-llama-cpp\/linux-x64/,
    );

    // The next job on this runner: found in the tool cache, nothing installed.
    const again = (await resolveNodeLlamaCpp(resolver({ install: fakeInstaller(calls) }))) as unknown as {
      installedAt: string;
    };
    expect(calls).toHaveLength(1);
    expect(again.installedAt).toBe(first.installedAt);
  });

  it('keeps a CUDA install apart from the CPU one', async () => {
    const calls: Install[] = [];
    await resolveNodeLlamaCpp(resolver({ nvidia: true, install: fakeInstaller(calls) }));
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args).toContain('@node-llama-cpp/linux-x64-cuda@3.22.1');
    expect(existsSync(join(root, 'tool-cache', 'node-llama-cpp', VERSION, 'x64-cuda.complete'))).toBe(true);
  });

  it('says why when there is no prebuilt binary, or npm fails', async () => {
    await expect(resolveNodeLlamaCpp(resolver({ platform: 'freebsd' }))).rejects.toThrow(
      /node-llama-cpp is not installed beside the action \(Cannot find package 'node-llama-cpp'.*\) and has no prebuilt binaries for freebsd-x64/,
    );
    const failing: NodeLlamaCppInstaller = async () => {
      throw new Error('npm install exited with code 1');
    };
    await expect(resolveNodeLlamaCpp(resolver({ arch: 'arm64', install: failing }))).rejects.toThrow(
      'installing node-llama-cpp 3.22.1 failed: npm install exited with code 1',
    );
    const empty: NodeLlamaCppInstaller = async () => {};
    await expect(resolveNodeLlamaCpp(resolver({ arch: 'arm64', install: empty }))).rejects.toThrow(
      /left no node_modules\/node-llama-cpp/,
    );
    expect(existsSync(join(root, 'tool-cache', 'node-llama-cpp', VERSION, 'arm64.complete'))).toBe(false);
  });

  it('resolves once for every engine that asks, and tries again after a failure', async () => {
    let made = 0;
    let fail = true;
    const load = lazyNodeLlamaCpp(async () => {
      made++;
      return resolver({
        importBeside: async () => {
          if (fail) throw new Error('offline');
          return { ok: true } as unknown as NodeLlamaCpp;
        },
        platform: 'freebsd',
      });
    });
    await expect(load()).rejects.toThrow(/offline/);
    fail = false;
    const [a, b] = await Promise.all([load(), load()]);
    expect(a).toBe(b);
    expect(made).toBe(2);
  });

  it.runIf(process.platform === 'linux' && process.arch === 'x64')(
    'runs llama.cpp from the tool-cache copy: the prebuilt binary is found beside the installed package',
    async () => {
      // Stands in for npm: the real package and its linux-x64 binaries copied, its JavaScript dependencies linked.
      const realInstall: NodeLlamaCppInstaller = async (dir) => {
        const modules = join(dir, 'node_modules');
        await mkdir(join(modules, '@node-llama-cpp'), { recursive: true });
        await cp(join(NODE_MODULES, 'node-llama-cpp'), join(modules, 'node-llama-cpp'), { recursive: true });
        await cp(join(NODE_MODULES, '@node-llama-cpp', 'linux-x64'), join(modules, '@node-llama-cpp', 'linux-x64'), {
          recursive: true,
        });
        for (const name of await readdir(NODE_MODULES)) {
          if (name === 'node-llama-cpp' || name === '@node-llama-cpp' || name.startsWith('.')) continue;
          await symlink(join(NODE_MODULES, name), join(modules, name));
        }
      };
      process.env.RUNNER_TOOL_CACHE = join(root, 'tool-cache-real');
      const mod = await resolveNodeLlamaCpp(resolver({ install: realInstall }));
      const cached = join(root, 'tool-cache-real', 'node-llama-cpp', VERSION, 'x64');
      expect(mod).not.toBe(await import('node-llama-cpp'));
      const llama = await mod.getLlama({
        gpu: false,
        build: 'never',
        logLevel: mod.LlamaLogLevel.error,
        progressLogs: false,
      });
      try {
        const model = await llama.loadModel({ modelPath: await ensureModel('tiny') });
        expect(model.tokenize('hello').length).toBeGreaterThan(0);
        await model.dispose();
      } finally {
        await llama.dispose();
      }
      expect(existsSync(join(cached, 'node_modules', '@node-llama-cpp', 'linux-x64', 'package.json'))).toBe(true);
    },
  );
});
