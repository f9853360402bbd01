// Results artifacts: upload through the Actions results service, list and download through the REST API.
import { httpStatus } from './errors.js';
import { parseResults, type Results } from '../schema/results.js';
import { InputError, getErrorMessage } from '../util/errors.js';
import { labelSlug } from '../util/label.js';
import type { Artifact, GitHubClient } from './client.js';
import { unzipSync } from 'fflate';
import { silentLogger, type Logger } from '../util/log.js';

export const RESULTS_ARTIFACT_PREFIX = 'llm-bench-results-';

/** `llm-bench-results-<label>`: one artifact per runner label, so a report job can gather a matrix. */
export function resultsArtifactName(label: string): string {
  return `${RESULTS_ARTIFACT_PREFIX}${labelSlug(label)}`;
}

/**
 * The part of @actions/artifact's client the action uses. Uploading talks to the Actions results
 * service (ACTIONS_RESULTS_URL + ACTIONS_RUNTIME_TOKEN), not the REST API, so it sits behind this
 * interface: the default wraps @actions/artifact, tests pass a recorder.
 */
export interface ArtifactUploader {
  uploadArtifact(
    name: string,
    files: string[],
    rootDirectory: string,
    options?: { retentionDays?: number },
  ): Promise<{ id?: number; size?: number }>;
}

/** @actions/artifact's client, imported on first use so runs that never upload do not load it. */
export async function defaultArtifactUploader(): Promise<ArtifactUploader> {
  const { DefaultArtifactClient } = await import('@actions/artifact');
  return new DefaultArtifactClient();
}

export interface UploadResult {
  /** conflict: another job of this workflow run already uploaded an artifact of this name (two jobs, one label). */
  status: 'uploaded' | 'failed' | 'conflict';
  name: string;
  artifactId: number | undefined;
  message: string;
}

/**
 * Uploads this runner's results files as `llm-bench-results-<label>`. Never throws: a failed
 * upload is a warning (the comment and summary are still written), as actions/upload-artifact's
 * users expect from a reporting step.
 */
export async function uploadResultsArtifact(
  uploader: ArtifactUploader,
  options: { label: string; files: string[]; rootDirectory: string; retentionDays?: number; log?: Logger },
): Promise<UploadResult> {
  const log = options.log ?? silentLogger;
  let name = RESULTS_ARTIFACT_PREFIX;
  try {
    name = resultsArtifactName(options.label);
    const response = await uploader.uploadArtifact(name, options.files, options.rootDirectory, {
      ...(options.retentionDays ? { retentionDays: options.retentionDays } : {}),
    });
    return { status: 'uploaded', name, artifactId: response.id, message: `Uploaded the results as artifact ${name}` };
  } catch (error) {
    const text = getErrorMessage(error);
    // @actions/artifact (v2+) refuses a second artifact of one name in a run: "Conflict: an artifact with this name already exists".
    if (httpStatus(error) === 409 || /\bconflict\b|already exists/i.test(text)) {
      return {
        status: 'conflict',
        name,
        artifactId: undefined,
        message: `Could not upload the results artifact ${name}: ${text}`,
      };
    }
    const message = `Could not upload the results artifact ${name}: ${text}`;
    log.warning(message);
    return { status: 'failed', name, artifactId: undefined, message };
  }
}

/** A results file is a few MB at most; a bigger entry is not ours and is not inflated. */
const MAX_ENTRY_BYTES = 256 * 1024 * 1024;

function jsonEntries(zip: Buffer, artifactName: string): Array<{ name: string; data: Buffer }> {
  try {
    const files = unzipSync(new Uint8Array(zip.buffer, zip.byteOffset, zip.length), {
      filter: (f) => f.name.toLowerCase().endsWith('.json') && f.originalSize <= MAX_ENTRY_BYTES,
    });
    return Object.entries(files).map(([name, data]) => ({ name, data: Buffer.from(data) }));
  } catch (error) {
    throw new InputError(`not a readable zip archive: ${getErrorMessage(error)}`, { file: `artifact ${artifactName}` });
  }
}

/**
 * The results documents inside one artifact. Accepts a zip (what upload-artifact makes) or, for an
 * artifact uploaded without archiving, the raw JSON file. A JSON entry of another kind (e.g. a
 * verdict) is ignored; a results document that fails validation is an InputError naming the entry.
 */
export function resultsFromArtifactBytes(
  bytes: Buffer,
  artifactName: string,
): Array<{ file: string; results: Results }> {
  const isZip = bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50;
  const entries = isZip ? jsonEntries(bytes, artifactName) : [{ name: `${artifactName}.json`, data: bytes }];
  const found: Array<{ file: string; results: Results }> = [];
  for (const entry of entries) {
    if (!entry.name.toLowerCase().endsWith('.json')) continue;
    const file = `artifact ${artifactName}: ${entry.name}`;
    let data: unknown;
    try {
      data = JSON.parse(entry.data.toString('utf8'));
    } catch (error) {
      throw new InputError(`not valid JSON: ${getErrorMessage(error)}`, { file });
    }
    const schema = (data as { schema?: unknown } | null)?.schema;
    // Another llm-bench document (a verdict) may travel with the results; another results version is an error.
    if (typeof schema === 'string' && !schema.startsWith('llm-bench/results@')) continue;
    found.push({ file, results: parseResults(data, file) });
  }
  return found;
}

/** Downloads one artifact and returns the results documents it holds. */
export async function readResultsArtifact(
  client: GitHubClient,
  artifact: Pick<Artifact, 'id' | 'name'>,
): Promise<Array<{ file: string; results: Results }>> {
  const bytes = await client.downloadArtifactZip(artifact.id);
  return resultsFromArtifactBytes(bytes, artifact.name);
}

export interface RunResults {
  artifactName: string;
  artifactId: number;
  file: string;
  results: Results;
}

/**
 * Every `llm-bench-results-*` artifact of a workflow run, downloaded and validated: what
 * `mode: report` compares, one entry per results document (label from the results, not the name).
 * Expired artifacts are skipped with a warning, and their names pushed to `expired` (the report is then incomplete).
 */
export async function downloadRunResults(
  client: GitHubClient,
  runId: number,
  log: Logger = silentLogger,
  expired: string[] = [],
): Promise<RunResults[]> {
  const artifacts = (await client.listRunArtifacts(runId)).filter((a) => a.name.startsWith(RESULTS_ARTIFACT_PREFIX));
  const out: RunResults[] = [];
  for (const artifact of artifacts.sort((a, b) => a.name.localeCompare(b.name))) {
    if (artifact.expired) {
      log.warning(
        `The results artifact ${artifact.name} of run ${runId} has expired; its runner is left out of the report, which is therefore incomplete.`,
      );
      expired.push(artifact.name);
      continue;
    }
    for (const { file, results } of await readResultsArtifact(client, artifact)) {
      out.push({ artifactName: artifact.name, artifactId: artifact.id, file, results });
    }
  }
  return out;
}
