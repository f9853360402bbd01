// A local server speaking the parts of GitHub's REST API llm-bench uses, with its status codes, for the real octokit to run against.
//
// Follows GitHub's REST documentation (docs.github.com/en/rest, API version 2022-11-28):
// - Pagination (using-the-rest-api/using-pagination-in-the-rest-api): `per_page` (default 30, max
//   100) and `page`; a `Link` header with rel="prev", "next", "last", "first" as they apply.
// - Resources in the REST API / troubleshooting: errors are `{"message", "documentation_url", "status"}`;
//   401 "Bad credentials" for an unknown token; 403 "Resource not accessible by integration" when
//   an installation token lacks the permission (a fork PR's read-only GITHUB_TOKEN); 404 "Not Found";
//   422 "Validation Failed" with `errors[]`.
// - users/users#get-the-authenticated-user: GET /user answers a user token; an installation token
//   gets 403 "Resource not accessible by integration". GraphQL (graphql/reference/queries#viewer):
//   POST /graphql `{ viewer { login } }` answers both, bots as `<app>[bot]`.
// - issues/comments#list-issue-comments, #create-an-issue-comment (201, Location), #update-an-issue-comment
//   (200), #get-an-issue-comment; bodies over 65,536 characters → 422 "body is too long".
// - checks/runs#create-a-check-run (201; `conclusion` required when `status` is completed;
//   output.summary/text at most 65,535 characters), #update-a-check-run, #list-check-runs-for-a-git-reference.
// - repos/contents#get-repository-content: base64 `content` wrapped at 60 columns; files over 1 MB
//   come back with `encoding: "none"` and empty content; a directory is an array; 404 for a missing
//   path or ref.
// - git/refs#get-a-reference (GET /git/ref/{ref}), #create-a-reference (422 "Reference already
//   exists"), #update-a-reference (422 "Update is not a fast forward" unless `force`);
//   git/blobs#create-a-blob / #get-a-blob (git's blob sha1); git/trees#create-a-tree (`base_tree`,
//   nested paths, `sha: null` deletes, deleting a missing path is an error) / #get-a-tree;
//   git/commits#create-a-commit / #get-a-commit.
// - actions/workflow-runs#list-workflow-runs-for-a-workflow (workflow id or file name; `branch`,
//   `event`, `status` filters; newest first) and #list-workflow-runs-for-a-repository;
//   actions/artifacts#list-workflow-run-artifacts (`name` filter) and #download-an-artifact (302
//   to a short-lived blob URL, 410 when expired); the blob URL (served here too) needs no token.
// - pulls/pulls#list-pull-requests (`head=owner:branch`, `state`).
// Paths are matched raw and decoded per parameter, so `contents/a/b.yml` and octokit's `contents/a%2Fb.yml`
// both work, as on GitHub. Simplifications: one repository; tree shas are hashes of the flattened tree, not git's; every
// installation token may read everything.
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createHash } from 'node:crypto';
import { crc32, deflateRawSync } from 'node:zlib';

export interface PeerIdentity {
  login: string;
  /** `user`: a personal access token (GET /user works); `installation`: GITHUB_TOKEN or an app token. */
  kind: 'user' | 'installation';
  /** Writes answer 403 "Resource not accessible by integration" (a fork PR's GITHUB_TOKEN). */
  readOnly?: boolean;
  /** Whether GraphQL `viewer` answers (default true). */
  graphql?: boolean;
}

export interface RecordedRequest {
  method: string;
  /** The path, percent-decoded (`/git/refs/heads/main`, whatever encoding the client used). */
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** The login the token maps to; undefined without a (known) token. */
  login: string | undefined;
  /** Whether an Authorization header was sent at all. */
  authorized: boolean;
  status: number;
}

export interface PeerComment {
  id: number;
  issue: number;
  body: string;
  login: string;
  type: 'User' | 'Bot';
  created_at: string;
  updated_at: string;
}

export interface PeerCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  output: { title?: string; summary?: string; text?: string };
  details_url?: string;
  login: string;
}

export interface PeerArtifact {
  id: number;
  runId: number;
  name: string;
  /** Served as a zip built from these files, or exactly these bytes when `zip` is given. */
  files: Record<string, string | Buffer>;
  zip?: Buffer;
  expired: boolean;
  created_at: string;
}

export interface PeerRun {
  id: number;
  workflowId: number;
  workflowPath: string;
  name: string;
  headBranch: string;
  headSha: string;
  event: string;
  status: string;
  conclusion: string | null;
  created_at: string;
}

export interface PeerPull {
  number: number;
  headRef: string;
  headSha: string;
  headOwner: string;
  baseRef: string;
  state: 'open' | 'closed';
}

interface Commit {
  tree: string;
  parents: string[];
  message: string;
  date: string;
}

export interface GitHubPeerOptions {
  owner?: string;
  repo?: string;
  defaultBranch?: string;
  /** token → identity */
  tokens?: Record<string, PeerIdentity>;
  /** Files on the default branch's first commit. */
  files?: Record<string, string | Buffer>;
  /** Fixed clock for created_at (ms since the epoch); each use advances it by one second. */
  startTimeMs?: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly docs: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const DOCS = 'https://docs.github.com/rest';
const READ_ONLY = 'Resource not accessible by integration';

/** A zip archive (stored or deflated entries, CRC-32 from zlib), like the ones GitHub serves for artifacts. */
export function buildZip(files: Record<string, string | Buffer>, options: { deflate?: boolean } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const packed = options.deflate === false ? data : deflateRawSync(data);
    const method = options.deflate === false ? 0 : 8;
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const safeDecode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};
const sha1 = (data: string | Buffer): string => createHash('sha1').update(data).digest('hex');
const gitBlobSha = (data: Buffer): string => sha1(Buffer.concat([Buffer.from(`blob ${data.length}\0`), data]));
const isSha = (s: unknown): s is string => typeof s === 'string' && /^[0-9a-f]{40}$/.test(s);

/**
 * A programmed failure: the next `times` requests matching `method` and `path` get `status` (with GitHub's error body
 * `{message, documentation_url}` and `headers`, e.g. a secondary rate limit's `retry-after`, as "Rate limits for the
 * REST API" documents), or have their connection destroyed before any response byte (`'reset'`).
 */
export interface PeerFault {
  method?: string;
  path: RegExp;
  status: number | 'reset';
  times: number;
  message?: string;
  headers?: Record<string, string>;
}

export class GitHubPeer {
  readonly owner: string;
  readonly repo: string;
  readonly defaultBranch: string;
  readonly tokens: Record<string, PeerIdentity>;
  readonly requests: RecordedRequest[] = [];
  readonly comments: PeerComment[] = [];
  readonly checkRuns: PeerCheckRun[] = [];
  readonly runs: PeerRun[] = [];
  readonly artifacts: PeerArtifact[] = [];
  readonly pulls: PeerPull[] = [];
  readonly blobs = new Map<string, Buffer>();
  readonly trees = new Map<string, Map<string, string>>();
  readonly commits = new Map<string, Commit>();
  readonly refs = new Map<string, string>();
  /** Programmed failures, consumed in order (see PeerFault). */
  readonly faults: PeerFault[] = [];
  /** Called before a ref update is applied, e.g. to move the ref as a concurrent job would. */
  beforeUpdateRef: ((ref: string) => Promise<void> | void) | undefined;
  url = '';
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private nextId = 1000;
  private clockMs: number;
  private readonly workflows = new Map<string, number>();

  constructor(options: GitHubPeerOptions = {}) {
    this.owner = options.owner ?? 'octo';
    this.repo = options.repo ?? 'app';
    this.defaultBranch = options.defaultBranch ?? 'main';
    this.tokens = { ...(options.tokens ?? {}) };
    this.clockMs = options.startTimeMs ?? Date.UTC(2026, 10, 22, 10, 0, 0);
    this.commitFiles(this.defaultBranch, options.files ?? { 'README.md': '# app\n' }, 'initial commit');
  }

  // ---- test-side helpers ------------------------------------------------------------------------

  private now(): string {
    this.clockMs += 1000;
    return new Date(this.clockMs).toISOString();
  }

  private id(): number {
    return this.nextId++;
  }

  putBlob(content: Buffer): string {
    const sha = gitBlobSha(content);
    this.blobs.set(sha, content);
    return sha;
  }

  private putTree(entries: Map<string, string>): string {
    const sorted = [...entries.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const sha = sha1(`tree ${JSON.stringify(sorted)}`);
    this.trees.set(sha, new Map(sorted));
    return sha;
  }

  private putCommit(commit: Commit): string {
    const sha = sha1(`commit ${JSON.stringify(commit)} ${this.commits.size}`);
    this.commits.set(sha, commit);
    return sha;
  }

  /** Commits `files` (null deletes) on top of `branch` (created when missing) directly, as a push would. */
  commitFiles(branch: string, files: Record<string, string | Buffer | null>, message = 'update'): string {
    const head = this.refs.get(`refs/heads/${branch}`);
    const entries = new Map(head ? this.trees.get(this.commits.get(head)!.tree)! : []);
    for (const [path, content] of Object.entries(files)) {
      if (content === null) entries.delete(path);
      else entries.set(path, this.putBlob(typeof content === 'string' ? Buffer.from(content) : content));
    }
    const sha = this.putCommit({ tree: this.putTree(entries), parents: head ? [head] : [], message, date: this.now() });
    this.refs.set(`refs/heads/${branch}`, sha);
    return sha;
  }

  /** The files at a branch's tip (path → text), or undefined when the branch does not exist. */
  filesAt(branch: string): Record<string, string> | undefined {
    const head = this.refs.get(`refs/heads/${branch}`);
    if (!head) return undefined;
    const out: Record<string, string> = {};
    for (const [path, blob] of this.trees.get(this.commits.get(head)!.tree)!)
      out[path] = this.blobs.get(blob)!.toString('utf8');
    return out;
  }

  /** Commits reachable from a branch tip, newest first. */
  history(branch: string): Array<{ sha: string; message: string; parents: string[] }> {
    const out: Array<{ sha: string; message: string; parents: string[] }> = [];
    let sha = this.refs.get(`refs/heads/${branch}`);
    while (sha) {
      const commit = this.commits.get(sha)!;
      out.push({ sha, message: commit.message, parents: commit.parents });
      sha = commit.parents[0];
    }
    return out;
  }

  addPullRequest(pull: Partial<PeerPull> & { number: number }): PeerPull {
    const full: PeerPull = {
      headRef: 'feature',
      headSha: 'a'.repeat(40),
      headOwner: this.owner,
      baseRef: this.defaultBranch,
      state: 'open',
      ...pull,
    };
    this.pulls.push(full);
    return full;
  }

  /** A comment written directly (by a user or another bot), as if through the web UI. */
  addComment(issue: number, comment: { body: string; login: string; type?: 'User' | 'Bot' }): PeerComment {
    const at = this.now();
    const stored: PeerComment = {
      id: this.id(),
      issue,
      body: comment.body,
      login: comment.login,
      type: comment.type ?? 'User',
      created_at: at,
      updated_at: at,
    };
    this.comments.push(stored);
    return stored;
  }

  commentsOn(issue: number): PeerComment[] {
    return this.comments.filter((c) => c.issue === issue);
  }

  /** A completed workflow run, with its artifacts. Newer runs must be added later (the clock advances). */
  addRun(run: {
    workflowPath?: string;
    headBranch?: string;
    headSha?: string;
    event?: string;
    conclusion?: 'success' | 'failure' | 'cancelled' | null;
    status?: string;
    artifacts?: Array<{ name: string; files?: Record<string, string | Buffer>; zip?: Buffer; expired?: boolean }>;
  }): PeerRun {
    const workflowPath = run.workflowPath ?? '.github/workflows/bench.yml';
    if (!this.workflows.has(workflowPath)) this.workflows.set(workflowPath, this.id());
    const stored: PeerRun = {
      id: this.id(),
      workflowId: this.workflows.get(workflowPath)!,
      workflowPath,
      name: workflowPath
        .split('/')
        .pop()!
        .replace(/\.ya?ml$/, ''),
      headBranch: run.headBranch ?? this.defaultBranch,
      headSha: run.headSha ?? sha1(String(this.nextId)),
      event: run.event ?? 'push',
      status: run.status ?? 'completed',
      conclusion: run.conclusion === undefined ? 'success' : run.conclusion,
      created_at: this.now(),
    };
    this.runs.push(stored);
    for (const a of run.artifacts ?? []) this.addArtifact(stored.id, a);
    return stored;
  }

  addArtifact(
    runId: number,
    artifact: { name: string; files?: Record<string, string | Buffer>; zip?: Buffer; expired?: boolean },
  ): PeerArtifact {
    const stored: PeerArtifact = {
      id: this.id(),
      runId,
      name: artifact.name,
      files: artifact.files ?? {},
      ...(artifact.zip ? { zip: artifact.zip } : {}),
      expired: artifact.expired ?? false,
      created_at: this.now(),
    };
    this.artifacts.push(stored);
    return stored;
  }

  requestsTo(method: string, pathPattern: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && pathPattern.test(r.path));
  }

  // ---- server -----------------------------------------------------------------------------------

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const auth = req.headers.authorization;
    const token = auth?.replace(/^(token|bearer)\s+/i, '');
    const identity = token ? this.tokens[token] : undefined;
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: safeDecode(url.pathname),
      query: Object.fromEntries(url.searchParams),
      body,
      login: identity?.login,
      authorized: auth !== undefined,
      status: 0,
    };
    this.requests.push(record);
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      record.status = status;
      if (payload instanceof Buffer) {
        res.writeHead(status, headers);
        res.end(payload);
        return;
      }
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(payload === undefined ? '' : JSON.stringify(payload));
    };
    const fault = this.faults.find(
      (f) => f.times > 0 && (!f.method || f.method === record.method) && f.path.test(record.path),
    );
    if (fault) {
      fault.times--;
      if (fault.status === 'reset') {
        record.status = -1;
        req.socket.destroy();
        return;
      }
      send(
        fault.status,
        { message: fault.message ?? 'Server Error', documentation_url: 'https://docs.github.com/rest' },
        fault.headers,
      );
      return;
    }
    try {
      const out = await this.route(record, identity, url);
      send(out.status, out.body, out.headers);
    } catch (error) {
      if (error instanceof HttpError) {
        send(error.status, {
          message: error.message,
          ...error.extra,
          documentation_url: error.docs,
          status: String(error.status),
        });
      } else {
        send(500, { message: `peer error: ${(error as Error).message}` });
      }
    }
  }

  private page<T>(items: T[], url: URL): { items: T[]; headers: Record<string, string> } {
    const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30) || 30));
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number): string => {
      const u = new URL(url.toString());
      u.searchParams.set('page', String(n));
      return u.toString();
    };
    const rels: string[] = [];
    if (page > 1) rels.push(`<${link(page - 1)}>; rel="prev"`);
    if (page < last) rels.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
    if (page > 1) rels.push(`<${link(1)}>; rel="first"`);
    return {
      items: items.slice((page - 1) * perPage, page * perPage),
      headers: rels.length ? { link: rels.join(', ') } : {},
    };
  }

  private requireWrite(identity: PeerIdentity | undefined, docs: string): void {
    if (identity?.readOnly) throw new HttpError(403, READ_ONLY, docs);
  }

  private resolveRef(ref: string | null): string | undefined {
    const name = ref ?? this.defaultBranch;
    if (isSha(name) && this.commits.has(name)) return name;
    return (
      this.refs.get(
        name.startsWith('refs/') ? name : name.startsWith('heads/') ? `refs/${name}` : `refs/heads/${name}`,
      ) ?? this.refs.get(`refs/tags/${name}`)
    );
  }

  private commitJson(sha: string): Record<string, unknown> {
    const c = this.commits.get(sha)!;
    const person = { name: 'peer', email: 'peer@example.com', date: c.date };
    return {
      sha,
      node_id: `C_${sha.slice(0, 8)}`,
      url: `${this.url}/repos/${this.owner}/${this.repo}/git/commits/${sha}`,
      html_url: `https://github.com/${this.owner}/${this.repo}/commit/${sha}`,
      author: person,
      committer: person,
      message: c.message,
      tree: { sha: c.tree, url: `${this.url}/repos/${this.owner}/${this.repo}/git/trees/${c.tree}` },
      parents: c.parents.map((p) => ({ sha: p, url: `${this.url}/repos/${this.owner}/${this.repo}/git/commits/${p}` })),
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null },
    };
  }

  private commentJson(c: PeerComment): Record<string, unknown> {
    return {
      id: c.id,
      node_id: `IC_${c.id}`,
      url: `${this.url}/repos/${this.owner}/${this.repo}/issues/comments/${c.id}`,
      html_url: `https://github.com/${this.owner}/${this.repo}/pull/${c.issue}#issuecomment-${c.id}`,
      issue_url: `${this.url}/repos/${this.owner}/${this.repo}/issues/${c.issue}`,
      body: c.body,
      user: { login: c.login, id: 1, type: c.type },
      created_at: c.created_at,
      updated_at: c.updated_at,
      author_association: c.type === 'Bot' ? 'NONE' : 'MEMBER',
      performed_via_github_app: null,
    };
  }

  private checkJson(c: PeerCheckRun): Record<string, unknown> {
    return {
      id: c.id,
      name: c.name,
      head_sha: c.head_sha,
      status: c.status,
      conclusion: c.conclusion,
      details_url: c.details_url ?? null,
      html_url: `https://github.com/${this.owner}/${this.repo}/runs/${c.id}`,
      url: `${this.url}/repos/${this.owner}/${this.repo}/check-runs/${c.id}`,
      output: {
        title: c.output.title ?? null,
        summary: c.output.summary ?? null,
        text: c.output.text ?? null,
        annotations_count: 0,
      },
      app: { slug: c.login.replace(/\[bot\]$/, ''), name: c.login },
    };
  }

  private runJson(r: PeerRun): Record<string, unknown> {
    return {
      id: r.id,
      name: r.name,
      path: r.workflowPath,
      workflow_id: r.workflowId,
      head_branch: r.headBranch,
      head_sha: r.headSha,
      event: r.event,
      status: r.status,
      conclusion: r.conclusion,
      run_attempt: 1,
      created_at: r.created_at,
      updated_at: r.created_at,
      html_url: `https://github.com/${this.owner}/${this.repo}/actions/runs/${r.id}`,
      url: `${this.url}/repos/${this.owner}/${this.repo}/actions/runs/${r.id}`,
    };
  }

  private artifactZip(a: PeerArtifact): Buffer {
    return a.zip ?? buildZip(a.files);
  }

  private artifactJson(a: PeerArtifact): Record<string, unknown> {
    const run = this.runs.find((r) => r.id === a.runId);
    return {
      id: a.id,
      node_id: `A_${a.id}`,
      name: a.name,
      size_in_bytes: this.artifactZip(a).length,
      url: `${this.url}/repos/${this.owner}/${this.repo}/actions/artifacts/${a.id}`,
      archive_download_url: `${this.url}/repos/${this.owner}/${this.repo}/actions/artifacts/${a.id}/zip`,
      expired: a.expired,
      created_at: a.created_at,
      updated_at: a.created_at,
      expires_at: a.created_at,
      workflow_run: run ? { id: run.id, head_branch: run.headBranch, head_sha: run.headSha } : null,
    };
  }

  private async route(
    req: RecordedRequest,
    identity: PeerIdentity | undefined,
    url: URL,
  ): Promise<{ status: number; body: unknown; headers?: Record<string, string> }> {
    const { method } = req;
    // Routes match the raw path: octokit sends `heads%2Fmain` and `dir%2Ffile`, decoded per parameter below.
    const path = url.pathname;
    const body = (req.body ?? {}) as Record<string, unknown>;

    // The blob store the artifact redirect points at: no token, a signature in the query.
    const blob = path.match(/^\/_blob\/artifacts\/(\d+)\.zip$/);
    if (blob && method === 'GET') {
      const artifact = this.artifacts.find((a) => a.id === Number(blob[1]));
      if (!artifact || url.searchParams.get('sig') !== `s${artifact.id}`)
        throw new HttpError(403, 'Server failed to authenticate the request.', DOCS);
      return { status: 200, body: this.artifactZip(artifact), headers: { 'content-type': 'application/zip' } };
    }

    if (!identity) throw new HttpError(401, 'Bad credentials', DOCS);

    if (path === '/user' && method === 'GET') {
      if (identity.kind === 'installation')
        throw new HttpError(403, READ_ONLY, `${DOCS}/users/users#get-the-authenticated-user`);
      return { status: 200, body: { login: identity.login, id: 1, type: 'User', site_admin: false } };
    }

    if (path === '/graphql' && method === 'POST') {
      const query = String(body.query ?? '');
      if (identity.graphql === false || !/\bviewer\b/.test(query)) {
        return { status: 200, body: { errors: [{ type: 'FORBIDDEN', message: READ_ONLY }] } };
      }
      return { status: 200, body: { data: { viewer: { login: identity.login } } } };
    }

    const prefix = `/repos/${this.owner}/${this.repo}`;
    if (!path.startsWith(`${prefix}/`)) throw new HttpError(404, 'Not Found', DOCS);
    const rest = path.slice(prefix.length);
    let m: RegExpMatchArray | null;

    // -- issue comments
    if ((m = rest.match(/^\/issues\/(\d+)\/comments$/))) {
      const issue = Number(m[1]);
      const docs = `${DOCS}/issues/comments`;
      if (!this.pulls.some((p) => p.number === issue) && !this.comments.some((c) => c.issue === issue))
        throw new HttpError(404, 'Not Found', docs);
      if (method === 'GET') {
        const { items, headers } = this.page(this.commentsOn(issue), url);
        return { status: 200, body: items.map((c) => this.commentJson(c)), headers };
      }
      if (method === 'POST') {
        this.requireWrite(identity, `${docs}#create-an-issue-comment`);
        this.validateCommentBody(body.body, `${docs}#create-an-issue-comment`);
        const c = this.addComment(issue, {
          body: body.body as string,
          login: identity.login,
          type: identity.kind === 'installation' ? 'Bot' : 'User',
        });
        return {
          status: 201,
          body: this.commentJson(c),
          headers: { location: `${this.url}${prefix}/issues/comments/${c.id}` },
        };
      }
    }
    if ((m = rest.match(/^\/issues\/comments\/(\d+)$/))) {
      const docs = `${DOCS}/issues/comments`;
      const c = this.comments.find((x) => x.id === Number(m![1]));
      if (!c) throw new HttpError(404, 'Not Found', docs);
      if (method === 'GET') return { status: 200, body: this.commentJson(c) };
      if (method === 'PATCH') {
        this.requireWrite(identity, `${docs}#update-an-issue-comment`);
        this.validateCommentBody(body.body, `${docs}#update-an-issue-comment`);
        c.body = body.body as string;
        c.updated_at = this.now();
        return { status: 200, body: this.commentJson(c) };
      }
    }

    // -- pulls
    if (rest === '/pulls' && method === 'GET') {
      const head = url.searchParams.get('head');
      const state = url.searchParams.get('state') ?? 'open';
      const found = this.pulls.filter(
        (p) => (state === 'all' || p.state === state) && (!head || head === `${p.headOwner}:${p.headRef}`),
      );
      const { items, headers } = this.page(found, url);
      return {
        status: 200,
        body: items.map((p) => ({
          number: p.number,
          state: p.state,
          head: { ref: p.headRef, sha: p.headSha, repo: { full_name: `${p.headOwner}/${this.repo}` } },
          base: { ref: p.baseRef, repo: { full_name: `${this.owner}/${this.repo}` } },
        })),
        headers,
      };
    }

    // -- check runs
    if (rest === '/check-runs' && method === 'POST') {
      const docs = `${DOCS}/checks/runs#create-a-check-run`;
      this.requireWrite(identity, docs);
      const run = this.validateCheck(body, docs, true, identity.login);
      this.checkRuns.push(run);
      return { status: 201, body: this.checkJson(run) };
    }
    if ((m = rest.match(/^\/check-runs\/(\d+)$/))) {
      const docs = `${DOCS}/checks/runs#update-a-check-run`;
      const run = this.checkRuns.find((c) => c.id === Number(m![1]));
      if (!run) throw new HttpError(404, 'Not Found', docs);
      if (method === 'GET') return { status: 200, body: this.checkJson(run) };
      if (method === 'PATCH') {
        this.requireWrite(identity, docs);
        const update = this.validateCheck(
          { name: run.name, head_sha: run.head_sha, ...body },
          docs,
          false,
          identity.login,
        );
        Object.assign(run, {
          status: update.status,
          conclusion: update.conclusion,
          output: { ...run.output, ...update.output },
        });
        return { status: 200, body: this.checkJson(run) };
      }
    }
    if ((m = rest.match(/^\/commits\/([^/]+)\/check-runs$/)) && method === 'GET') {
      const ref = decodeURIComponent(m[1]!);
      const sha = isSha(ref) ? ref : this.resolveRef(ref);
      const name = url.searchParams.get('check_name');
      const runs = this.checkRuns.filter((c) => c.head_sha === sha && (!name || c.name === name)).reverse();
      return { status: 200, body: { total_count: runs.length, check_runs: runs.map((c) => this.checkJson(c)) } };
    }

    // -- contents
    if ((m = rest.match(/^\/contents(?:\/(.*))?$/)) && method === 'GET') {
      const docs = `${DOCS}/repos/contents#get-repository-content`;
      const filePath = decodeURIComponent(m[1] ?? '').replace(/^\/+|\/+$/g, '');
      const refName = url.searchParams.get('ref');
      const sha = this.resolveRef(refName);
      if (!sha) throw new HttpError(404, `No commit found for the ref ${refName}`, docs);
      const tree = this.trees.get(this.commits.get(sha)!.tree)!;
      const blobSha = tree.get(filePath);
      if (blobSha) {
        const content = this.blobs.get(blobSha)!;
        const large = content.length > 1024 * 1024;
        return {
          status: 200,
          body: {
            type: 'file',
            encoding: large ? 'none' : 'base64',
            size: content.length,
            name: filePath.split('/').pop(),
            path: filePath,
            content: large
              ? ''
              : (content.toString('base64').match(/.{1,60}/g) ?? []).join('\n') + (content.length ? '\n' : ''),
            sha: blobSha,
            url: `${this.url}${prefix}/contents/${filePath}?ref=${refName ?? this.defaultBranch}`,
            git_url: `${this.url}${prefix}/git/blobs/${blobSha}`,
            html_url: `https://github.com/${this.owner}/${this.repo}/blob/${refName ?? this.defaultBranch}/${filePath}`,
            download_url: null,
          },
        };
      }
      const dirPrefix = filePath ? `${filePath}/` : '';
      const children = new Map<string, { type: string; sha: string; size: number }>();
      for (const [p, b] of tree) {
        if (!p.startsWith(dirPrefix)) continue;
        const [head, ...more] = p.slice(dirPrefix.length).split('/');
        children.set(
          head!,
          more.length ? { type: 'dir', sha: '', size: 0 } : { type: 'file', sha: b, size: this.blobs.get(b)!.length },
        );
      }
      if (children.size === 0) throw new HttpError(404, 'Not Found', docs);
      return {
        status: 200,
        body: [...children.entries()]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([name, e]) => ({ type: e.type, name, path: `${dirPrefix}${name}`, sha: e.sha, size: e.size })),
      };
    }

    // -- git data
    if ((m = rest.match(/^\/git\/ref\/(.+)$/)) && method === 'GET') {
      const ref = `refs/${decodeURIComponent(m[1]!)}`;
      const sha = this.refs.get(ref);
      if (!sha) throw new HttpError(404, 'Not Found', `${DOCS}/git/refs#get-a-reference`);
      return { status: 200, body: this.refJson(ref, sha) };
    }
    if (rest === '/git/refs' && method === 'POST') {
      const docs = `${DOCS}/git/refs#create-a-reference`;
      this.requireWrite(identity, docs);
      const ref = String(body.ref ?? '');
      if (!/^refs\/.+\/.+/.test(ref))
        throw new HttpError(422, "Reference name must start with 'refs/' and have at least two slashes.", docs);
      if (!isSha(body.sha) || !this.commits.has(body.sha)) throw new HttpError(422, 'Object does not exist', docs);
      if (this.refs.has(ref)) throw new HttpError(422, 'Reference already exists', docs);
      this.refs.set(ref, body.sha);
      return {
        status: 201,
        body: this.refJson(ref, body.sha),
        headers: { location: `${this.url}${prefix}/git/refs/${ref.slice(5)}` },
      };
    }
    if ((m = rest.match(/^\/git\/refs\/(.+)$/)) && method === 'PATCH') {
      const docs = `${DOCS}/git/refs#update-a-reference`;
      this.requireWrite(identity, docs);
      const ref = `refs/${decodeURIComponent(m[1]!)}`;
      if (!this.refs.has(ref)) throw new HttpError(422, 'Reference does not exist', docs);
      if (!isSha(body.sha) || !this.commits.has(body.sha)) throw new HttpError(422, 'Object does not exist', docs);
      const hook = this.beforeUpdateRef;
      if (hook) await hook(ref);
      const current = this.refs.get(ref)!;
      if (body.force !== true && !this.isAncestor(current, body.sha))
        throw new HttpError(422, 'Update is not a fast forward', docs);
      this.refs.set(ref, body.sha);
      return { status: 200, body: this.refJson(ref, body.sha) };
    }
    if (rest === '/git/blobs' && method === 'POST') {
      const docs = `${DOCS}/git/blobs#create-a-blob`;
      this.requireWrite(identity, docs);
      if (typeof body.content !== 'string')
        throw new HttpError(422, 'Invalid request.\n\n"content" wasn\'t supplied.', docs);
      const encoding = body.encoding ?? 'utf-8';
      if (encoding !== 'utf-8' && encoding !== 'base64')
        throw new HttpError(422, `encoding must be utf-8 or base64`, docs);
      const sha = this.putBlob(Buffer.from(body.content, encoding === 'base64' ? 'base64' : 'utf8'));
      return { status: 201, body: { sha, url: `${this.url}${prefix}/git/blobs/${sha}` } };
    }
    if ((m = rest.match(/^\/git\/blobs\/([0-9a-f]{40})$/)) && method === 'GET') {
      const content = this.blobs.get(m[1]!);
      if (!content) throw new HttpError(404, 'Not Found', `${DOCS}/git/blobs#get-a-blob`);
      return {
        status: 200,
        body: { sha: m[1], size: content.length, encoding: 'base64', content: content.toString('base64') },
      };
    }
    if (rest === '/git/trees' && method === 'POST') {
      const docs = `${DOCS}/git/trees#create-a-tree`;
      this.requireWrite(identity, docs);
      const base = body.base_tree;
      if (base !== undefined && (typeof base !== 'string' || !this.trees.has(base)))
        throw new HttpError(404, 'Not Found', docs);
      if (!Array.isArray(body.tree)) throw new HttpError(422, 'Invalid tree info', docs);
      const entries = new Map(base ? this.trees.get(base as string)! : []);
      for (const item of body.tree as Array<Record<string, unknown>>) {
        const p = String(item.path ?? '');
        if (!p || p.startsWith('/') || p.split('/').some((s) => s === '' || s === '.' || s === '..'))
          throw new HttpError(422, `Invalid path ${p}`, docs);
        if (item.type !== undefined && item.type !== 'blob')
          throw new HttpError(422, 'the peer only stores blobs', docs);
        if (item.sha === null) {
          if (!entries.has(p))
            throw new HttpError(422, `GitRPC::BadObjectState: cannot delete ${p}, it does not exist`, docs);
          entries.delete(p);
        } else if (typeof item.content === 'string') {
          entries.set(p, this.putBlob(Buffer.from(item.content)));
        } else if (isSha(item.sha) && this.blobs.has(item.sha)) {
          entries.set(p, item.sha);
        } else {
          throw new HttpError(422, `tree.sha ${String(item.sha)} is not a valid blob`, docs);
        }
      }
      const sha = this.putTree(entries);
      return { status: 201, body: this.treeJson(sha) };
    }
    if ((m = rest.match(/^\/git\/trees\/([0-9a-f]{40})$/)) && method === 'GET') {
      if (!this.trees.has(m[1]!)) throw new HttpError(404, 'Not Found', `${DOCS}/git/trees#get-a-tree`);
      return { status: 200, body: this.treeJson(m[1]!) };
    }
    if (rest === '/git/commits' && method === 'POST') {
      const docs = `${DOCS}/git/commits#create-a-commit`;
      this.requireWrite(identity, docs);
      if (typeof body.message !== 'string')
        throw new HttpError(422, 'Invalid request.\n\n"message" wasn\'t supplied.', docs);
      if (!isSha(body.tree) || !this.trees.has(body.tree)) throw new HttpError(422, 'Tree SHA does not exist', docs);
      const parents = (body.parents ?? []) as unknown[];
      for (const p of parents)
        if (!isSha(p) || !this.commits.has(p))
          throw new HttpError(422, 'Parent SHA does not exist or is not a commit object', docs);
      const sha = this.putCommit({
        tree: body.tree,
        parents: parents as string[],
        message: body.message,
        date: this.now(),
      });
      return { status: 201, body: this.commitJson(sha) };
    }
    if ((m = rest.match(/^\/git\/commits\/([0-9a-f]{40})$/)) && method === 'GET') {
      if (!this.commits.has(m[1]!)) throw new HttpError(404, 'Not Found', `${DOCS}/git/commits#get-a-commit`);
      return { status: 200, body: this.commitJson(m[1]!) };
    }

    // -- actions
    if ((m = rest.match(/^\/actions\/workflows\/([^/]+)\/runs$/)) && method === 'GET') {
      const id = decodeURIComponent(m[1]!);
      const path = [...this.workflows.keys()].find(
        (p) => p.split('/').pop() === id || String(this.workflows.get(p)) === id,
      );
      if (!path)
        throw new HttpError(404, 'Not Found', `${DOCS}/actions/workflow-runs#list-workflow-runs-for-a-workflow`);
      return this.listRuns(
        this.runs.filter((r) => r.workflowPath === path),
        url,
      );
    }
    if (rest === '/actions/runs' && method === 'GET') return this.listRuns(this.runs, url);
    if ((m = rest.match(/^\/actions\/runs\/(\d+)\/artifacts$/)) && method === 'GET') {
      const runId = Number(m[1]);
      if (!this.runs.some((r) => r.id === runId))
        throw new HttpError(404, 'Not Found', `${DOCS}/actions/artifacts#list-workflow-run-artifacts`);
      const name = url.searchParams.get('name');
      const found = this.artifacts.filter((a) => a.runId === runId && (!name || a.name === name));
      const { items, headers } = this.page(found, url);
      return {
        status: 200,
        body: { total_count: found.length, artifacts: items.map((a) => this.artifactJson(a)) },
        headers,
      };
    }
    if ((m = rest.match(/^\/actions\/artifacts\/(\d+)\/(zip|[^/]+)$/)) && method === 'GET') {
      const docs = `${DOCS}/actions/artifacts#download-an-artifact`;
      const artifact = this.artifacts.find((a) => a.id === Number(m![1]));
      if (!artifact) throw new HttpError(404, 'Not Found', docs);
      if (m[2] !== 'zip') throw new HttpError(422, 'archive_format must be zip', docs);
      if (artifact.expired) throw new HttpError(410, 'Artifact has expired', docs);
      return {
        status: 302,
        body: undefined,
        headers: { location: `${this.url}/_blob/artifacts/${artifact.id}.zip?sig=s${artifact.id}` },
      };
    }

    throw new HttpError(404, 'Not Found', DOCS);
  }

  private listRuns(runs: PeerRun[], url: URL): { status: number; body: unknown; headers: Record<string, string> } {
    const q = url.searchParams;
    const status = q.get('status');
    const found = runs
      .filter((r) => !q.get('branch') || r.headBranch === q.get('branch'))
      .filter((r) => !q.get('event') || r.event === q.get('event'))
      .filter((r) => !status || r.status === status || r.conclusion === status)
      .sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : b.id - a.id));
    const { items, headers } = this.page(found, url);
    return {
      status: 200,
      body: { total_count: found.length, workflow_runs: items.map((r) => this.runJson(r)) },
      headers,
    };
  }

  private refJson(ref: string, sha: string): Record<string, unknown> {
    return {
      ref,
      node_id: `REF_${ref}`,
      url: `${this.url}/repos/${this.owner}/${this.repo}/git/${ref}`,
      object: { type: 'commit', sha, url: `${this.url}/repos/${this.owner}/${this.repo}/git/commits/${sha}` },
    };
  }

  private treeJson(sha: string): Record<string, unknown> {
    return {
      sha,
      url: `${this.url}/repos/${this.owner}/${this.repo}/git/trees/${sha}`,
      tree: [...this.trees.get(sha)!.entries()].map(([path, blob]) => ({
        path,
        mode: '100644',
        type: 'blob',
        sha: blob,
        size: this.blobs.get(blob)!.length,
      })),
      truncated: false,
    };
  }

  private isAncestor(ancestor: string, descendant: string): boolean {
    const seen = new Set<string>();
    const queue = [descendant];
    while (queue.length > 0) {
      const sha = queue.pop()!;
      if (sha === ancestor) return true;
      if (seen.has(sha)) continue;
      seen.add(sha);
      queue.push(...(this.commits.get(sha)?.parents ?? []));
    }
    return false;
  }

  private validateCommentBody(body: unknown, docs: string): void {
    if (typeof body !== 'string' || body === '') {
      throw new HttpError(422, 'Validation Failed', docs, {
        errors: [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }],
      });
    }
    if (body.length > 65536) {
      throw new HttpError(422, 'Validation Failed', docs, {
        errors: [
          {
            resource: 'IssueComment',
            code: 'custom',
            field: 'body',
            message: 'body is too long (maximum is 65536 characters)',
          },
        ],
      });
    }
  }

  private validateCheck(body: Record<string, unknown>, docs: string, creating: boolean, login: string): PeerCheckRun {
    const fail = (field: string, message: string): never => {
      throw new HttpError(422, 'Validation Failed', docs, {
        errors: [{ resource: 'CheckRun', code: 'custom', field, message }],
      });
    };
    if (typeof body.name !== 'string' || !body.name) fail('name', 'name is missing');
    if (!isSha(body.head_sha)) throw new HttpError(422, `No commit found for SHA: ${String(body.head_sha)}`, docs);
    const status = String(body.status ?? (body.conclusion ? 'completed' : 'queued'));
    if (!['queued', 'in_progress', 'completed'].includes(status))
      fail('status', `status ${status} is not included in the list`);
    const conclusion = body.conclusion === undefined ? null : String(body.conclusion);
    if (status === 'completed' && !conclusion) fail('conclusion', 'conclusion is required when status is completed');
    const allowed = ['action_required', 'cancelled', 'failure', 'neutral', 'success', 'skipped', 'stale', 'timed_out'];
    if (conclusion && !allowed.includes(conclusion))
      fail('conclusion', `conclusion ${conclusion} is not included in the list`);
    const output = (body.output ?? {}) as { title?: string; summary?: string; text?: string };
    if (body.output !== undefined && (typeof output.title !== 'string' || typeof output.summary !== 'string'))
      fail('output', 'output needs a title and a summary');
    if ((output.summary?.length ?? 0) > 65535) fail('summary', 'summary is too long (maximum is 65535 characters)');
    if ((output.text?.length ?? 0) > 65535) fail('text', 'text is too long (maximum is 65535 characters)');
    return {
      id: creating ? this.id() : 0,
      name: body.name as string,
      head_sha: body.head_sha as string,
      status,
      conclusion,
      output,
      ...(typeof body.details_url === 'string' ? { details_url: body.details_url } : {}),
      login,
    };
  }
}

/** Starts a peer on 127.0.0.1 with an ephemeral port. */
export async function startGitHubPeer(options: GitHubPeerOptions = {}): Promise<GitHubPeer> {
  return new GitHubPeer(options).start();
}

// ---- fixtures for the tests that drive llm-bench's GitHub layer against the peer -------------------

/** A valid `llm-bench/results@1` document for `label`, small and deterministic. */
export function makeResults(
  label: string,
  options: { sha?: string; startedAt?: string; decodeTps?: number[]; ref?: string } = {},
): Record<string, unknown> {
  const decode = options.decodeTps ?? [50, 51, 49, 50];
  return {
    schema: 'llm-bench/results@1',
    tool: { name: 'llm-bench', version: '0.1.0' },
    started_at: options.startedAt ?? '2026-11-22T10:00:00.000Z',
    finished_at: options.startedAt ?? '2026-11-22T10:00:00.000Z',
    status: 'complete',
    runner: { label, os: 'linux', arch: 'x64', cpu: 'test cpu', cores: 2, memory_bytes: 8e9, gpus: [] },
    engine: { kind: 'llama-cpp', version: '3.22.1' },
    git: { sha: options.sha ?? 'c0ffee'.padEnd(40, '0'), ref: options.ref ?? 'refs/heads/main' },
    cases: [
      {
        id: 'tiny/default/hello',
        model: { id: 'tiny', name: 'tiny.gguf' },
        params: {},
        prompt: { id: 'hello', sha256: 'ab'.repeat(32), chars: 5, max_tokens: 16 },
        samples: { decode_tps: decode },
        errors: [],
        requests: { ok: decode.length, failed: 0 },
      },
    ],
  };
}

/** A Logger that keeps every line, for asserting what the user is told. */
export function recordingLogger(): {
  info: (m: string) => void;
  warning: (m: string) => void;
  debug: (m: string) => void;
  lines: { info: string[]; warning: string[]; debug: string[] };
} {
  const lines = { info: [] as string[], warning: [] as string[], debug: [] as string[] };
  return {
    info: (m) => lines.info.push(m),
    warning: (m) => lines.warning.push(m),
    debug: (m) => lines.debug.push(m),
    lines,
  };
}
