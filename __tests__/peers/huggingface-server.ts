// A local peer for the Hugging Face Hub endpoints node-llama-cpp uses to resolve and download `hf:` URIs:
// - GET /v2/{user}/{model}/manifests/{tag}: the manifest llama.cpp's `-hf` flag reads, `{ ggufFile: { rfilename, size } }`
//   (llama.cpp PR #11195; node-llama-cpp utils/parseModelUri.js);
// - GET|HEAD /{user}/{model}/resolve/main/{file}: the file, with Content-Length and byte ranges (RFC 9110 §14),
//   as huggingface.co serves it (https://huggingface.co/docs/hub/api#get-apimodelsrepoidresolverevisionfilename).
// Any other GET /files/{name} serves a file by plain URL. Listens on 127.0.0.1 only.
// Failure modes for the download time-outs: `silent` accepts every connection and never answers (a firewall that
// drops, a proxy that hangs); `stall-body` answers manifests and HEADs, then sends the headers and the first half of a
// file's body and nothing more. `close()` ends every connection, held ones included, so nothing outlives a test.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';

export interface HfRepoFile {
  user: string;
  model: string;
  tag: string;
  filename: string;
  path: string;
}

export type HuggingFacePeerMode = 'normal' | 'silent' | 'stall-body';

export interface HuggingFacePeer {
  url: string;
  requests: string[];
  /** How the peer answers from now on. */
  mode: HuggingFacePeerMode;
  close(): Promise<void>;
}

async function sendFile(req: IncomingMessage, res: ServerResponse, path: string, stall = false): Promise<void> {
  const body = await readFile(path);
  if (stall && req.method !== 'HEAD') {
    // Headers and half the bytes, then silence: the response stays open until the peer closes.
    const start = Number(/^bytes=(\d+)-/.exec(req.headers.range ?? '')?.[1] ?? 0);
    const end = Number(/^bytes=\d+-(\d+)$/.exec(req.headers.range ?? '')?.[1] ?? body.length - 1);
    const length = end - start + 1;
    const headers = {
      'content-type': 'application/octet-stream',
      'accept-ranges': 'bytes',
      etag: `"${body.length}"`,
      'content-length': length,
    };
    res.writeHead(
      req.headers.range ? 206 : 200,
      req.headers.range ? { ...headers, 'content-range': `bytes ${start}-${end}/${body.length}` } : headers,
    );
    res.write(body.subarray(start, start + Math.floor(length / 2)));
    return;
  }
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  const headers = { 'content-type': 'application/octet-stream', 'accept-ranges': 'bytes', etag: `"${body.length}"` };
  if (range) {
    const start = Number(range[1]);
    const end = range[2] ? Math.min(Number(range[2]), body.length - 1) : body.length - 1;
    res.writeHead(206, {
      ...headers,
      'content-length': end - start + 1,
      'content-range': `bytes ${start}-${end}/${body.length}`,
    });
    res.end(req.method === 'HEAD' ? undefined : body.subarray(start, end + 1));
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body);
}

export async function startHuggingFacePeer(
  files: HfRepoFile[],
  plain: Record<string, string> = {},
  mode: HuggingFacePeerMode = 'normal',
): Promise<HuggingFacePeer> {
  const requests: string[] = [];
  const peer = { mode };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(`${req.method} ${url.pathname}`);
    // Accepted, read, and never answered.
    if (peer.mode === 'silent') return;
    const stall = peer.mode === 'stall-body';
    const manifest = /^\/v2\/([^/]+)\/([^/]+)\/manifests\/([^/]+)$/.exec(url.pathname);
    const resolveFile = /^\/([^/]+)\/([^/]+)\/resolve\/main\/(.+)$/.exec(url.pathname);
    const plainFile = /^\/files\/(.+)$/.exec(url.pathname);
    const fail = (status: number, error: string): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error }));
    };
    void (async () => {
      if (manifest) {
        const [, user, model, tag] = manifest.map(decodeURIComponent);
        const f = files.find((x) => x.user === user && x.model === model && x.tag.toLowerCase() === tag!.toLowerCase());
        if (!f) return fail(404, 'Repository not found');
        const size = (await readFile(f.path)).length;
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ ggufFile: { rfilename: f.filename, size } }));
      }
      if (resolveFile) {
        const [, user, model, filename] = resolveFile.map(decodeURIComponent);
        const f = files.find((x) => x.user === user && x.model === model && x.filename === filename);
        if (!f) return fail(404, 'Entry not found');
        return sendFile(req, res, f.path, stall);
      }
      if (plainFile && plain[decodeURIComponent(plainFile[1]!)])
        return sendFile(req, res, plain[decodeURIComponent(plainFile[1]!)]!, stall);
      return fail(404, 'Not found');
    })().catch((error: unknown) => fail(500, String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    get mode() {
      return peer.mode;
    },
    set mode(m: HuggingFacePeerMode) {
      peer.mode = m;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // Held requests (silent, stall-body) would keep close() waiting forever.
        server.closeAllConnections();
      }),
  };
}
