// Describes the machine a run happened on, so a report can say where its numbers come from.
import { arch, cpus, hostname, platform, release, totalmem } from 'node:os';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { RunnerFingerprint } from '../schema/results.js';

function run(cmd: string, args: string[]): Promise<string | undefined> {
  return new Promise((res) => execFile(cmd, args, { timeout: 3000 }, (err, out) => res(err ? undefined : out)));
}

async function nvidiaGpus(): Promise<RunnerFingerprint['gpus']> {
  const out = await run('nvidia-smi', [
    '--query-gpu=name,memory.total,driver_version',
    '--format=csv,noheader,nounits',
  ]);
  if (!out) return [];
  return out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [name, memMiB, driver] = line.split(',').map((s) => s.trim());
      return { name: name ?? 'NVIDIA GPU', memory_bytes: Number(memMiB) * 1024 * 1024, driver };
    });
}

async function appleGpus(): Promise<RunnerFingerprint['gpus']> {
  if (platform() !== 'darwin') return [];
  const chip = await run('sysctl', ['-n', 'machdep.cpu.brand_string']);
  return chip?.includes('Apple') ? [{ name: `${chip.trim()} GPU (unified memory)` }] : [];
}

export async function fingerprint(label: string): Promise<RunnerFingerprint> {
  const cpuList = cpus();
  return {
    label,
    os: platform(),
    release: release(),
    arch: arch(),
    cpu: cpuList[0]?.model?.trim() || 'unknown',
    cores: cpuList.length,
    memory_bytes: totalmem(),
    gpus: [...(await nvidiaGpus()), ...(await appleGpus())],
    hostname_sha256: createHash('sha256').update(hostname()).digest('hex').slice(0, 16),
    node: process.version,
  };
}

/**
 * The default runner label: `<os>-<arch>` plus the first GPU's short name when there is one, plus the runner's name
 * (RUNNER_NAME) on a self-hosted Actions runner, so two machines of one kind in a matrix never share a label. GitHub-
 * hosted runners (RUNNER_ENVIRONMENT=github-hosted) get a new name every job, which would key every run apart: they
 * keep the machine-kind label, and two such jobs in one run are refused by the label checks.
 */
export function defaultLabel(
  fp: Pick<RunnerFingerprint, 'os' | 'arch' | 'gpus'>,
  env: Record<string, string | undefined> = {},
): string {
  const gpu = fp.gpus[0]?.name
    .replace(/^NVIDIA\s+(GeForce\s+)?/i, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .toLowerCase();
  const runner =
    env.RUNNER_ENVIRONMENT !== 'github-hosted'
      ? env.RUNNER_NAME?.trim()
          .replace(/[^A-Za-z0-9._-]+/g, '-')
          .replace(/^-+|-+$/g, '')
      : undefined;
  return [fp.os, fp.arch, gpu, runner].filter(Boolean).join('-');
}
