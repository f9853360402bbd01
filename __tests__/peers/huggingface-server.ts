// A local peer for the Hugging Face Hub endpoints node-llama-cpp uses to resolve and download `hf:` URIs:
// - GET /v2/{user}/{model}/manifests/{tag}: the manifest llama.cpp's `-hf` flag reads, `{ ggufFile: { rfilename, size } }`
//   (llama.cpp PR #11195; node-llama-cpp utils/parseModelUri.js);
// - GET|HEAD /{user}/{model}/resolve/main/{file}: the file, with Content-Length and byte ranges (RFC 9110 §14),
//   as huggingface.co serves it (https://huggingface.co/docs/hub/api#get-apimodelsrepoidresolverevisionfilename).
// Any other GET /files/{name} serves a file by plain URL. Listens on 127.0.0.1 only.
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

export interface HuggingFacePeer {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

async function sendFile(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const body = await readFile(path);
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  const headers = { 'content-type': 'application/octet-stream', 'accept-ranges': 'bytes', etag: `"${body.length}"` };
  if (range) {
    const start = Number(range[1]);
    const end = range[2] ? Math.min(Number(range[2]), body.length - 1) : body.length - 1;
    res.writeHead(206, { ...headers, 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${body.length}` });
    res.end(req.method === 'HEAD' ? undefined : body.subarray(start, end + 1));
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body);
}

export async function startHuggingFacePeer(files: HfRepoFile[], plain: Record<string, string> = {}): Promise<HuggingFacePeer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(`${req.method} ${url.pathname}`);
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
        return sendFile(req, res, f.path);
      }
      if (plainFile && plain[decodeURIComponent(plainFile[1]!)]) return sendFile(req, res, plain[decodeURIComponent(plainFile[1]!)]!);
      return fail(404, 'Not found');
    })().catch((error: unknown) => fail(500, String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
