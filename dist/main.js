import { g as getInput, s as setFailed, a as startGroup, e as endGroup, b as saveState, c as setOutput } from './chunks/core.js';
import { readFileSync, existsSync } from 'node:fs';
import { EOL, tmpdir, homedir, userInfo } from 'node:os';
import { dirname, posix, join, relative, resolve, isAbsolute, sep } from 'node:path';
import { c as countCases, V as VERDICT_SCHEMA, g as geomeanRatios, s as summaryCounts, v as verdictStatus, r as reportMarker, p as parseConfig, a as compareAB, b as compareWithHistory, d as compareResults, w as writeFileAtomic, e as reportTitle, f as gatedFailures, t as templatesDir, l as loadTemplateFile, h as loadTemplate, i as renderAllReports, j as gatesForPullRequest, k as compareSettings, m as loadConfig, N as NODE_LLAMA_CPP_VERSION, u as untilInterrupted, n as runSession, o as normalizeOllamaHost, q as escapeMarkdown } from './chunks/templates.js';
import { I as InputError, g as getErrorMessage, p as parseResults, l as llamaCppModelDir, d as detectOllamaServer } from './chunks/storage.js';
import { s as silentLogger, l as labelSlug, C as CacheBaselineStore, I as Inputs, a as INPUT_DEFAULTS, S as SAVE_BASELINE, b as STRATEGIES, M as MODES, B as BASELINE_CACHE_DIR, c as BASELINE_HISTORY_RUNS, d as actionLogger, e as defaultCacheService, O as Outputs, o as ollamaAnswers, p as planModelCache, r as restoreModelCache, f as State, g as findOnPath, h as startOllamaServe } from './chunks/ollama-serve.js';
import { createRequire } from 'module';
import 'node:crypto';
import { mkdir, writeFile, readFile, appendFile, mkdtemp } from 'node:fs/promises';
import { B as BottleneckLight, g as getOctokit, r as retry } from './chunks/index.js';
import { createRequire as createRequire$1 } from 'node:module';
import { pathToFileURL } from 'node:url';
import 'os';
import 'crypto';
import 'fs';
import 'path';
import 'http';
import 'https';
import 'net';
import 'tls';
import 'events';
import 'assert';
import 'util';
import 'node:assert';
import 'node:net';
import 'node:http';
import 'node:stream';
import 'node:buffer';
import 'node:util';
import 'node:querystring';
import 'node:events';
import 'node:diagnostics_channel';
import './chunks/_commonjsHelpers.js';
import 'node:tls';
import 'node:zlib';
import 'node:perf_hooks';
import 'node:util/types';
import 'node:worker_threads';
import 'node:async_hooks';
import 'node:console';
import 'node:dns';
import 'string_decoder';
import './chunks/exec.js';
import 'child_process';
import 'timers';
import 'process';
import 'buffer';
import 'readline';
import 'node:https';
import 'node:child_process';

function mergeVerdicts(verdicts, now) {
  if (verdicts.length === 0) throw new InputError("nothing to report: no results");
  if (verdicts.length === 1) return verdicts[0];
  const seen = /* @__PURE__ */ new Set();
  for (const v of verdicts) {
    for (const run of v.runs) {
      if (seen.has(run.label))
        throw new InputError(`two results for runner label "${run.label}": give each matrix job its own runner-label`);
      seen.add(run.label);
    }
  }
  const cases = verdicts.flatMap((v) => v.cases);
  const runs = verdicts.flatMap((v) => v.runs);
  const counts = countCases(cases);
  const reasons = verdicts.flatMap((v) => v.incomplete?.reasons ?? []);
  const incomplete = reasons.length > 0 ? { cancelled: verdicts.some((v) => v.incomplete?.cancelled), reasons } : void 0;
  const strategies = [...new Set(runs.map((r) => r.strategy))];
  const notes = [
    ...new Set(
      verdicts.flatMap((v) => v.notes).filter((n) => !n.startsWith("runner labels used different strategies"))
    )
  ];
  if (strategies.length > 1)
    notes.push(`runner labels used different strategies: ${runs.map((r) => `${r.label} ${r.strategy}`).join(", ")}`);
  const compared = verdicts.some((v) => v.status !== "no-baseline" && v.cases.some((c) => c.status === "compared"));
  return {
    schema: VERDICT_SCHEMA,
    created_at: now.toISOString(),
    status: verdictStatus(counts, incomplete, compared),
    strategy: strategies.length === 1 ? strategies[0] : "baseline",
    settings: verdicts[0].settings,
    ...incomplete ? { incomplete } : {},
    summary: { ...summaryCounts(counts), geomean: geomeanRatios(cases) },
    runs,
    metrics: Object.assign({}, ...verdicts.map((v) => v.metrics)),
    cases,
    notes
  };
}

function httpStatus(error) {
  const status = error?.status;
  return typeof status === "number" ? status : void 0;
}
function githubMessage(error) {
  const data = error?.response?.data;
  const message = data?.message;
  return typeof message === "string" ? message : getErrorMessage(error);
}
const READ_ONLY_MESSAGE = "Resource not accessible by integration";
function isReadOnlyTokenError(error) {
  if (httpStatus(error) !== 403) return false;
  return githubMessage(error).includes(READ_ONLY_MESSAGE) || getErrorMessage(error).includes(READ_ONLY_MESSAGE);
}
function isNotFoundError(error) {
  return httpStatus(error) === 404;
}
function readOnlyTokenHint(what) {
  return `Skipped the ${what}: the token is read-only (GitHub answered 403 "${READ_ONLY_MESSAGE}"). This is expected on a pull request from a fork, whose GITHUB_TOKEN cannot write. The job summary and the llm-bench-results-<label> artifact still carry the report. To comment on fork pull requests, run llm-bench with \`mode: run\` in the pull_request workflow and add a second workflow \`on: workflow_run: { workflows: [<that workflow>], types: [completed] }\` with \`permissions: { contents: read, pull-requests: write, checks: write, actions: read }\` that runs llm-bench with \`mode: report\` (see examples/ in the llm-bench repository). Otherwise grant the job \`permissions: { pull-requests: write, checks: write }\`.`;
}
function requestName(error) {
  const request = error?.request;
  if (!request || typeof request.url !== "string") return void 0;
  let url = request.url;
  try {
    const parsed = new URL(request.url);
    url = parsed.pathname + parsed.search;
  } catch {
  }
  return `${typeof request.method === "string" ? request.method : "GET"} ${url}`;
}
function apiFailure(what, error, permission) {
  const status = httpStatus(error);
  const request = requestName(error);
  const said = githubMessage(error).replace(/\s+/g, " ").slice(0, 200);
  const where = request ? ` (${request})` : "";
  const answered = error?.response !== void 0;
  let advice;
  if (!answered && (status === void 0 || status === 500))
    advice = "GitHub could not be reached after 3 retries with backoff; check the runner's network, then rerun the job";
  else if (status === 401) advice = "the token was refused (revoked or expired?): check the github-token input";
  else if (status === 403 || status === 404)
    advice = `the token may lack permission: grant the job \`permissions: { ${permission} }\``;
  else if (status === 429) advice = "GitHub kept rate-limiting the request after the retries; rerun the job later";
  else if (status !== void 0 && status >= 500)
    advice = "GitHub kept failing after 3 retries with backoff; rerun the job";
  else advice = "check the request and the token";
  return new Error(
    `${what} failed${where}: ${answered && status !== void 0 ? `HTTP ${status} ` : ""}${said}. ${advice}.`
  );
}

var require$1 = createRequire('/');
// DEFLATE is a complex format; to read this code, you should probably check the RFC first:
// https://tools.ietf.org/html/rfc1951
// You may also wish to take a look at the guide I made about this program:
// https://gist.github.com/101arrowz/253f31eb5abc3d9275ab943003ffecad
// Some of the following code is similar to that of UZIP.js:
// https://github.com/photopea/UZIP.js
// However, the vast majority of the codebase has diverged from UZIP.js to increase performance and reduce bundle size.
// Sometimes 0 will appear where -1 would be more appropriate. This is because using a uint
// is better for memory in most engines (I *think*).
var _a;
// Mediocre shim
var Worker;
var isMarkedAsUntransferable;
try {
    (_a = require$1('worker_threads'), Worker = _a.Worker, isMarkedAsUntransferable = _a.isMarkedAsUntransferable);
}
catch (e) {
}

// aliases for shorter compressed code (most minifers don't do this)
var u8 = Uint8Array, u16 = Uint16Array, i32 = Int32Array;
// fixed length extra bits
var fleb = new u8([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0, /* unused */ 0, 0, /* impossible */ 0]);
// fixed distance extra bits
var fdeb = new u8([0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, /* unused */ 0, 0]);
// code length index map
var clim = new u8([16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]);
// get base, reverse index map from extra bits
var freb = function (eb, start) {
    var b = new u16(31);
    for (var i = 0; i < 31; ++i) {
        b[i] = start += 1 << eb[i - 1];
    }
    // numbers here are at max 18 bits
    var r = new i32(b[30]);
    for (var i = 1; i < 30; ++i) {
        for (var j = b[i]; j < b[i + 1]; ++j) {
            r[j] = ((j - b[i]) << 5) | i;
        }
    }
    return { b: b, r: r };
};
var _a = freb(fleb, 2), fl = _a.b, revfl = _a.r;
// we can ignore the fact that the other numbers are wrong; they never happen anyway
fl[28] = 258, revfl[258] = 28;
var _b = freb(fdeb, 0), fd = _b.b; _b.r;
// map of value to reverse (assuming 16 bits)
var rev = new u16(32768);
for (var i = 0; i < 32768; ++i) {
    // reverse table algorithm from SO
    var x = ((i & 0xAAAA) >> 1) | ((i & 0x5555) << 1);
    x = ((x & 0xCCCC) >> 2) | ((x & 0x3333) << 2);
    x = ((x & 0xF0F0) >> 4) | ((x & 0x0F0F) << 4);
    rev[i] = (((x & 0xFF00) >> 8) | ((x & 0x00FF) << 8)) >> 1;
}
// create huffman tree from u8 "map": index -> code length for code index
// mb (max bits) must be at most 15
// TODO: optimize/split up?
var hMap = (function (cd, mb, r) {
    var s = cd.length;
    // index
    var i = 0;
    // u16 "map": index -> # of codes with bit length = index
    var l = new u16(mb);
    // length of cd must be 288 (total # of codes)
    for (; i < s; ++i) {
        if (cd[i])
            ++l[cd[i] - 1];
    }
    // u16 "map": index -> minimum code for bit length = index
    var le = new u16(mb);
    for (i = 1; i < mb; ++i) {
        le[i] = (le[i - 1] + l[i - 1]) << 1;
    }
    var co;
    if (r) {
        // u16 "map": index -> number of actual bits, symbol for code
        co = new u16(1 << mb);
        // bits to remove for reverser
        var rvb = 15 - mb;
        for (i = 0; i < s; ++i) {
            // ignore 0 lengths
            if (cd[i]) {
                // num encoding both symbol and bits read
                var sv = (i << 4) | cd[i];
                // free bits
                var r_1 = mb - cd[i];
                // start value
                var v = le[cd[i] - 1]++ << r_1;
                // m is end value
                for (var m = v | ((1 << r_1) - 1); v <= m; ++v) {
                    // every 16 bit value starting with the code yields the same result
                    co[rev[v] >> rvb] = sv;
                }
            }
        }
    }
    else {
        co = new u16(s);
        for (i = 0; i < s; ++i) {
            if (cd[i]) {
                co[i] = rev[le[cd[i] - 1]++] >> (15 - cd[i]);
            }
        }
    }
    return co;
});
// fixed length tree
var flt = new u8(288);
for (var i = 0; i < 144; ++i)
    flt[i] = 8;
for (var i = 144; i < 256; ++i)
    flt[i] = 9;
for (var i = 256; i < 280; ++i)
    flt[i] = 7;
for (var i = 280; i < 288; ++i)
    flt[i] = 8;
// fixed distance tree
var fdt = new u8(32);
for (var i = 0; i < 32; ++i)
    fdt[i] = 5;
// fixed length map
var flrm = /*#__PURE__*/ hMap(flt, 9, 1);
// fixed distance map
var fdrm = /*#__PURE__*/ hMap(fdt, 5, 1);
// find max of array
var max = function (a) {
    var m = a[0];
    for (var i = 1; i < a.length; ++i) {
        if (a[i] > m)
            m = a[i];
    }
    return m;
};
// read d, starting at bit p and mask with m
var bits = function (d, p, m) {
    var o = (p / 8) | 0;
    return ((d[o] | (d[o + 1] << 8)) >> (p & 7)) & m;
};
// read d, starting at bit p continuing for at least 16 bits
var bits16 = function (d, p) {
    var o = (p / 8) | 0;
    return ((d[o] | (d[o + 1] << 8) | (d[o + 2] << 16)) >> (p & 7));
};
// get end of byte
var shft = function (p) { return ((p + 7) / 8) | 0; };
// typed array slice - allows garbage collector to free original reference,
// while being more compatible than .slice
var slc = function (v, s, e) {
    if (s == null || s < 0)
        s = 0;
    if (e == null || e > v.length)
        e = v.length;
    // can't use .constructor in case user-supplied
    return new u8(v.subarray(s, e));
};
// error codes
var ec = [
    'unexpected EOF',
    'invalid block type',
    'invalid length/literal',
    'invalid distance',
    'stream finished',
    'no stream handler',
    , // determined by compression function
    'no callback',
    'invalid UTF-8 data',
    'extra field too long',
    'date not in range 1980-2099',
    'filename too long',
    'stream finishing',
    'invalid zip data'
    // determined by unknown compression method
];
var err = function (ind, msg, nt) {
    var e = new Error(msg || ec[ind]);
    e.code = ind;
    if (Error.captureStackTrace)
        Error.captureStackTrace(e, err);
    if (!nt)
        throw e;
    return e;
};
// expands raw DEFLATE data
var inflt = function (dat, st, buf, dict) {
    // source length       dict length
    var sl = dat.length, dl = dict ? dict.length : 0;
    if (!sl || st.f && !st.l)
        return buf || new u8(0);
    var noBuf = !buf;
    // have to estimate size
    var resize = noBuf || st.i != 2;
    // no state
    var noSt = st.i;
    // Assumes roughly 33% compression ratio average
    if (noBuf)
        buf = new u8(sl * 3);
    // ensure buffer can fit at least l elements
    var cbuf = function (l) {
        var bl = buf.length;
        // need to increase size to fit
        if (l > bl) {
            // Double or set to necessary, whichever is greater
            var nbuf = new u8(Math.max(bl * 2, l));
            nbuf.set(buf);
            buf = nbuf;
        }
    };
    //  last chunk         bitpos           bytes
    var final = st.f || 0, pos = st.p || 0, bt = st.b || 0, lm = st.l, dm = st.d, lbt = st.m, dbt = st.n;
    // total bits
    var tbts = sl * 8;
    do {
        if (!lm) {
            // BFINAL - this is only 1 when last chunk is next
            final = bits(dat, pos, 1);
            // type: 0 = no compression, 1 = fixed huffman, 2 = dynamic huffman
            var type = bits(dat, pos + 1, 3);
            pos += 3;
            if (!type) {
                // go to end of byte boundary
                var s = shft(pos) + 4, l = dat[s - 4] | (dat[s - 3] << 8), t = s + l;
                if (t > sl) {
                    if (noSt)
                        err(0);
                    break;
                }
                // ensure size
                if (resize)
                    cbuf(bt + l);
                // Copy over uncompressed data
                buf.set(dat.subarray(s, t), bt);
                // Get new bitpos, update byte count
                st.b = bt += l, st.p = pos = t * 8, st.f = final;
                continue;
            }
            else if (type == 1)
                lm = flrm, dm = fdrm, lbt = 9, dbt = 5;
            else if (type == 2) {
                //  literal                            lengths
                var hLit = bits(dat, pos, 31) + 257, hcLen = bits(dat, pos + 10, 15) + 4;
                var tl = hLit + bits(dat, pos + 5, 31) + 1;
                pos += 14;
                // length+distance tree
                var ldt = new u8(tl);
                // code length tree
                var clt = new u8(19);
                for (var i = 0; i < hcLen; ++i) {
                    // use index map to get real code
                    clt[clim[i]] = bits(dat, pos + i * 3, 7);
                }
                pos += hcLen * 3;
                // code lengths bits
                var clb = max(clt), clbmsk = (1 << clb) - 1;
                // code lengths map
                var clm = hMap(clt, clb, 1);
                for (var i = 0; i < tl;) {
                    var r = clm[bits(dat, pos, clbmsk)];
                    // bits read
                    pos += r & 15;
                    // symbol
                    var s = r >> 4;
                    // code length to copy
                    if (s < 16) {
                        ldt[i++] = s;
                    }
                    else {
                        //  copy   count
                        var c = 0, n = 0;
                        if (s == 16)
                            n = 3 + bits(dat, pos, 3), pos += 2, c = ldt[i - 1];
                        else if (s == 17)
                            n = 3 + bits(dat, pos, 7), pos += 3;
                        else if (s == 18)
                            n = 11 + bits(dat, pos, 127), pos += 7;
                        while (n--)
                            ldt[i++] = c;
                    }
                }
                //    length tree                 distance tree
                var lt = ldt.subarray(0, hLit), dt = ldt.subarray(hLit);
                // max length bits
                lbt = max(lt);
                // max dist bits
                dbt = max(dt);
                lm = hMap(lt, lbt, 1);
                dm = hMap(dt, dbt, 1);
            }
            else
                err(1);
            if (pos > tbts) {
                if (noSt)
                    err(0);
                break;
            }
        }
        // Make sure the buffer can hold this + the largest possible addition
        // Maximum chunk size (practically, theoretically infinite) is 2^17
        if (resize)
            cbuf(bt + 131072);
        var lms = (1 << lbt) - 1, dms = (1 << dbt) - 1;
        var lpos = pos;
        for (;; lpos = pos) {
            // bits read, code
            var c = lm[bits16(dat, pos) & lms], sym = c >> 4;
            pos += c & 15;
            if (pos > tbts) {
                if (noSt)
                    err(0);
                break;
            }
            if (!c)
                err(2);
            if (sym < 256)
                buf[bt++] = sym;
            else if (sym == 256) {
                lpos = pos, lm = null;
                break;
            }
            else {
                var add = sym - 254;
                // no extra bits needed if less
                if (sym > 264) {
                    // index
                    var i = sym - 257, b = fleb[i];
                    add = bits(dat, pos, (1 << b) - 1) + fl[i];
                    pos += b;
                }
                // dist
                var d = dm[bits16(dat, pos) & dms], dsym = d >> 4;
                if (!d)
                    err(3);
                pos += d & 15;
                var dt = fd[dsym];
                if (dsym > 3) {
                    var b = fdeb[dsym];
                    dt += bits16(dat, pos) & (1 << b) - 1, pos += b;
                }
                if (pos > tbts) {
                    if (noSt)
                        err(0);
                    break;
                }
                if (resize)
                    cbuf(bt + 131072);
                var end = bt + add;
                if (bt < dt) {
                    var shift = dl - dt, dend = Math.min(dt, end);
                    if (shift + bt < 0)
                        err(3);
                    for (; bt < dend; ++bt)
                        buf[bt] = dict[shift + bt];
                }
                for (; bt < end; ++bt)
                    buf[bt] = buf[bt - dt];
            }
        }
        st.l = lm, st.p = lpos, st.b = bt, st.f = final;
        if (lm)
            final = 1, st.m = lbt, st.d = dm, st.n = dbt;
    } while (!final);
    // don't reallocate for streams or user buffers
    return bt != buf.length && noBuf ? slc(buf, 0, bt) : buf.subarray(0, bt);
};
// empty
var et = /*#__PURE__*/ new u8(0);
// read 2 bytes
var b2 = function (d, b) { return d[b] | (d[b + 1] << 8); };
// read 4 bytes
var b4 = function (d, b) { return (d[b] | (d[b + 1] << 8) | (d[b + 2] << 16) | (d[b + 3] << 24)) >>> 0; };
// read 8 bytes
var b8 = function (d, b) { return b4(d, b) + (b4(d, b + 4) * 4294967296); };
function inflateSync(data, opts) {
    return inflt(data, { i: 2 }, opts && opts.out, opts && opts.dictionary);
}
// text decoder
var td = typeof TextDecoder != 'undefined' && /*#__PURE__*/ new TextDecoder();
// text decoder stream
var tds = 0;
try {
    td.decode(et, { stream: true });
    tds = 1;
}
catch (e) { }
// decode UTF8
var dutf8 = function (d) {
    for (var r = '', i = 0;;) {
        var c = d[i++];
        var eb = (c > 127) + (c > 223) + (c > 239);
        if (i + eb > d.length)
            return { s: r, r: slc(d, i - 1) };
        if (!eb)
            r += String.fromCharCode(c);
        else if (eb == 3) {
            c = ((c & 15) << 18 | (d[i++] & 63) << 12 | (d[i++] & 63) << 6 | (d[i++] & 63)) - 65536,
                r += String.fromCharCode(55296 | (c >> 10), 56320 | (c & 1023));
        }
        else if (eb & 1)
            r += String.fromCharCode((c & 31) << 6 | (d[i++] & 63));
        else
            r += String.fromCharCode((c & 15) << 12 | (d[i++] & 63) << 6 | (d[i++] & 63));
    }
};
/**
 * Converts a Uint8Array to a string
 * @param dat The data to decode to string
 * @param latin1 Whether or not to interpret the data as Latin-1. This should
 *               not need to be true unless encoding to binary string.
 * @returns The original UTF-8/Latin-1 string
 */
function strFromU8(dat, latin1) {
    if (latin1) {
        var r = '';
        for (var i = 0; i < dat.length; i += 16384)
            r += String.fromCharCode.apply(null, dat.subarray(i, i + 16384));
        return r;
    }
    else if (td) {
        return td.decode(dat);
    }
    else {
        var _a = dutf8(dat), s = _a.s, r = _a.r;
        if (r.length)
            err(8);
        return s;
    }
}
// skip local zip header
var slzh = function (d, b) { return b + 30 + b2(d, b + 26) + b2(d, b + 28); };
// read zip header
var zh = function (d, b, z) {
    var fnl = b2(d, b + 28), efl = b2(d, b + 30), fn = strFromU8(d.subarray(b + 46, b + 46 + fnl), !(b2(d, b + 8) & 2048)), es = b + 46 + fnl;
    var _a = z64hs(d, es, efl, z, b4(d, b + 20), b4(d, b + 24), b4(d, b + 42)), sc = _a[0], su = _a[1], off = _a[2];
    return [b2(d, b + 10), sc, su, fn, es + efl + b2(d, b + 32), off];
};
// read zip64 header sizes
var z64hs = function (d, b, l, z, sc, su, off) {
    var nsc = sc == 4294967295, nsu = su == 4294967295, noff = off == 4294967295, e = b + l;
    var nf = nsc + nsu + noff;
    if (z && nf) {
        for (; b + 4 < e; b += 4 + b2(d, b + 2)) {
            if (b2(d, b) == 1) {
                return [
                    nsc ? b8(d, b + 4 + 8 * nsu) : sc,
                    nsu ? b8(d, b + 4) : su,
                    noff ? b8(d, b + 4 + 8 * (nsu + nsc)) : off,
                    1
                ];
            }
        }
        // z == 2 for unknown whether or not zip64
        if (z < 2)
            err(13);
    }
    return [sc, su, off, 0];
};
/**
 * Synchronously decompresses a ZIP archive. Prefer using `unzip` for better
 * performance with more than one file.
 * @param data The raw compressed ZIP file
 * @param opts The ZIP extraction options
 * @returns The decompressed files
 */
function unzipSync(data, opts) {
    var files = {};
    var e = data.length - 22;
    for (; b4(data, e) != 0x6054B50; --e) {
        if (!e || data.length - e > 65558)
            err(13);
    }
    var c = b2(data, e + 8);
    if (!c)
        return {};
    var o = b4(data, e + 16);
    var z = b4(data, e - 20) == 0x7064B50;
    if (z) {
        var ze = b4(data, e - 12);
        z = b4(data, ze) == 0x6064B50;
        if (z) {
            c = b4(data, ze + 32);
            o = b4(data, ze + 48);
        }
    }
    var fltr = opts && opts.filter;
    for (var i = 0; i < c; ++i) {
        var _a = zh(data, o, z), c_2 = _a[0], sc = _a[1], su = _a[2], fn = _a[3], no = _a[4], off = _a[5], b = slzh(data, off);
        o = no;
        if (!fltr || fltr({
            name: fn,
            size: sc,
            originalSize: su,
            compression: c_2
        })) {
            if (!c_2)
                files[fn] = slc(data, b, b + sc);
            else if (c_2 == 8)
                files[fn] = inflateSync(data.subarray(b, b + sc), { out: new u8(su) });
            else
                err(14, 'unknown compression type ' + c_2);
        }
    }
    return files;
}

const RESULTS_ARTIFACT_PREFIX = "llm-bench-results-";
function resultsArtifactName(label) {
  return `${RESULTS_ARTIFACT_PREFIX}${labelSlug(label)}`;
}
async function defaultArtifactUploader() {
  const { DefaultArtifactClient } = await import('./chunks/artifact.js');
  return new DefaultArtifactClient();
}
async function uploadResultsArtifact(uploader, options) {
  const log = options.log ?? silentLogger;
  let name = RESULTS_ARTIFACT_PREFIX;
  try {
    name = resultsArtifactName(options.label);
    const response = await uploader.uploadArtifact(name, options.files, options.rootDirectory, {
      ...options.retentionDays ? { retentionDays: options.retentionDays } : {}
    });
    return { status: "uploaded", name, artifactId: response.id, message: `Uploaded the results as artifact ${name}` };
  } catch (error) {
    const text = getErrorMessage(error);
    if (httpStatus(error) === 409 || /\bconflict\b|already exists/i.test(text)) {
      return {
        status: "conflict",
        name,
        artifactId: void 0,
        message: `Could not upload the results artifact ${name}: ${text}`
      };
    }
    const message = `Could not upload the results artifact ${name}: ${text}`;
    log.warning(message);
    return { status: "failed", name, artifactId: void 0, message };
  }
}
const MAX_ENTRY_BYTES = 256 * 1024 * 1024;
function jsonEntries(zip, artifactName) {
  try {
    const files = unzipSync(new Uint8Array(zip.buffer, zip.byteOffset, zip.length), {
      filter: (f) => f.name.toLowerCase().endsWith(".json") && f.originalSize <= MAX_ENTRY_BYTES
    });
    return Object.entries(files).map(([name, data]) => ({ name, data: Buffer.from(data) }));
  } catch (error) {
    throw new InputError(`not a readable zip archive: ${getErrorMessage(error)}`, { file: `artifact ${artifactName}` });
  }
}
function resultsFromArtifactBytes(bytes, artifactName) {
  const isZip = bytes.length >= 4 && bytes.readUInt32LE(0) === 67324752;
  const entries = isZip ? jsonEntries(bytes, artifactName) : [{ name: `${artifactName}.json`, data: bytes }];
  const found = [];
  for (const entry of entries) {
    if (!entry.name.toLowerCase().endsWith(".json")) continue;
    const file = `artifact ${artifactName}: ${entry.name}`;
    let data;
    try {
      data = JSON.parse(entry.data.toString("utf8"));
    } catch (error) {
      throw new InputError(`not valid JSON: ${getErrorMessage(error)}`, { file });
    }
    const schema = data?.schema;
    if (typeof schema === "string" && !schema.startsWith("llm-bench/results@")) continue;
    found.push({ file, results: parseResults(data, file) });
  }
  return found;
}
async function readResultsArtifact(client, artifact) {
  const bytes = await client.downloadArtifactZip(artifact.id);
  return resultsFromArtifactBytes(bytes, artifact.name);
}
async function downloadRunResults(client, runId, log = silentLogger, expired = []) {
  const artifacts = (await client.listRunArtifacts(runId)).filter((a) => a.name.startsWith(RESULTS_ARTIFACT_PREFIX));
  const out = [];
  for (const artifact of artifacts.sort((a, b) => a.name.localeCompare(b.name))) {
    if (artifact.expired) {
      log.warning(
        `The results artifact ${artifact.name} of run ${runId} has expired; its runner is left out of the report, which is therefore incomplete.`
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

class ArtifactBaselineStore {
  constructor(options) {
    this.options = options;
    this.log = options.log ?? silentLogger;
  }
  options;
  kind = "artifact";
  log;
  /**
   * Walks the newest successful `push` runs on the default branch until it finds `maxBaselines`
   * unexpired `llm-bench-results-<label>` artifacts. An artifact that cannot be read is an error, never
   * skipped for an older run.
   */
  async load(label) {
    const { client, defaultBranch, workflow } = this.options;
    const name = resultsArtifactName(label);
    const maxBaselines = Math.max(1, this.options.maxBaselines ?? 1);
    const runs = await client.listSuccessfulRuns({
      workflow,
      branch: defaultBranch,
      event: "push",
      perPage: Math.max(1, this.options.maxRuns ?? 10)
    });
    const out = [];
    for (const run of runs) {
      if (run.id === this.options.currentRunId) continue;
      const artifact = (await client.listRunArtifacts(run.id, name)).find((a) => a.name === name && !a.expired);
      if (!artifact) continue;
      try {
        const docs = (await readResultsArtifact(client, artifact)).map((d) => d.results);
        const mine = docs.filter((r) => r.runner.label === label);
        const chosen = mine.length > 0 ? mine : docs;
        if (chosen.length === 0) {
          this.log.warning(`Artifact ${name} of run ${run.id} holds no results file; skipped.`);
          continue;
        }
        out.push(...chosen);
        this.log.info(
          `Baseline for runner "${label}": artifact ${name} of run ${run.htmlUrl} (${run.headSha.slice(0, 7)}).`
        );
      } catch (error) {
        throw new Error(
          `could not read the baseline artifact ${name} of run ${run.id} (${run.htmlUrl}): ${getErrorMessage(error)}`
        );
      }
      if (out.length >= maxBaselines) break;
    }
    if (out.length === 0) {
      this.log.info(
        `No successful push run of ${workflow ?? "any workflow"} on ${defaultBranch} has an artifact ${name} yet: nothing to compare with.`
      );
    }
    return out.slice(0, maxBaselines);
  }
  /**
   * Nothing to do: the results artifact this run uploads (`mode: run`) becomes the baseline of later
   * runs once this run succeeds on a push to the default branch.
   */
  async save(label) {
    this.log.debug?.(
      `baseline: artifact \u2014 the ${resultsArtifactName(label)} artifact of this run is the stored baseline.`
    );
  }
}

const DEFAULT_DATA_BRANCH = "llm-bench-data";
const INDEX_SCHEMA = "llm-bench/baseline-index@1";
const README = `# llm-bench baselines

This branch is written by llm-bench and holds benchmark results used as
baselines: \`<runner-label>/results-<timestamp>-<sha>.json\`, newest listed first in
\`<runner-label>/index.json\`. Do not merge it into other branches.
`;
function compactTimestamp(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "00000000T000000Z";
  return date.toISOString().replace(/\.\d+Z$/, "Z").replace(/[-:]/g, "");
}
function resultsFileName(results) {
  const sha = (results.git?.sha ?? "").replace(/[^0-9a-f]/gi, "").slice(0, 12) || "nosha";
  return `results-${compactTimestamp(results.started_at)}-${sha}.json`;
}
const RESULTS_FILE = /^results-\d{8}T\d{6}Z-[0-9A-Za-z]+\.json$/;
function isSafeBranchName(name) {
  return /^[A-Za-z0-9._/-]+$/.test(name) && !name.includes("..") && name.split("/").every((part) => part !== "" && !part.startsWith(".") && !part.endsWith(".lock"));
}
function isNonFastForward(error) {
  return httpStatus(error) === 422 && /fast.forward|reference already exists/i.test(githubMessage(error));
}
class BranchBaselineStore {
  kind = "branch";
  branch;
  client;
  keep;
  loadLimit;
  maxAttempts;
  log;
  now;
  sleep;
  constructor(options) {
    this.client = options.client;
    this.branch = options.branch ?? DEFAULT_DATA_BRANCH;
    if (!isSafeBranchName(this.branch)) {
      throw new InputError(`'baseline-branch' must be a valid branch name, got ${JSON.stringify(this.branch)}`);
    }
    this.keep = Math.max(1, options.keep ?? 20);
    this.loadLimit = Math.max(1, options.loadLimit ?? this.keep);
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.log = options.log ?? silentLogger;
    this.now = options.now ?? (() => /* @__PURE__ */ new Date());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }
  where(path) {
    return `branch ${this.branch}: ${path}`;
  }
  parseIndex(text, path) {
    let data;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new InputError(`the baseline index is not valid JSON: ${getErrorMessage(error)}`, {
        file: this.where(path)
      });
    }
    const index = data;
    if (index?.schema !== INDEX_SCHEMA || !Array.isArray(index.entries)) {
      throw new InputError(`expected a ${INDEX_SCHEMA} document with an entries list`, { file: this.where(path) });
    }
    index.entries.forEach((e, i) => {
      if (typeof e?.file !== "string" || !RESULTS_FILE.test(e.file)) {
        throw new InputError(
          `expected a file name like results-<timestamp>-<sha>.json, got ${JSON.stringify(e?.file)}`,
          {
            file: this.where(path),
            path: `entries[${i}].file`
          }
        );
      }
    });
    return index;
  }
  async load(label) {
    const slug = labelSlug(label);
    const head = await this.client.getBranchHead(this.branch);
    if (!head) {
      this.log.info(`No baseline branch ${this.branch} yet: nothing to compare with. It is created on the first save.`);
      return [];
    }
    const indexPath = `${slug}/index.json`;
    const text = await this.client.readFileAtRef(indexPath, head);
    if (text === null) {
      this.log.info(`No baselines for runner "${label}" on branch ${this.branch} yet.`);
      return [];
    }
    const index = this.parseIndex(text, indexPath);
    const out = [];
    for (const entry of index.entries.slice(0, this.loadLimit)) {
      const path = `${slug}/${entry.file}`;
      const body = await this.client.readFileAtRef(path, head);
      if (body === null) {
        this.log.warning(`The baseline index lists ${path} but branch ${this.branch} has no such file; skipped.`);
        continue;
      }
      let data;
      try {
        data = JSON.parse(body);
      } catch (error) {
        throw new InputError(`not valid JSON: ${getErrorMessage(error)}`, { file: this.where(path) });
      }
      out.push(parseResults(data, this.where(path)));
    }
    return out;
  }
  /**
   * Appends `results` for the label in one commit (results file + index, older files pruned), then
   * moves the branch. When another job moved it first (422 not a fast forward), the commit is
   * rebuilt on the new tip and tried again, up to `maxAttempts` times. A read-only token is a
   * warning; any other failure is thrown.
   */
  async save(label, results) {
    const slug = labelSlug(label);
    const file = resultsFileName(results);
    let resultsBlob;
    try {
      resultsBlob = await this.client.createBlob(`${JSON.stringify(results, null, 2)}
`);
    } catch (error) {
      if (isReadOnlyTokenError(error)) {
        this.log.warning(
          `Could not save the baseline to branch ${this.branch}: the token is read-only. Grant the job \`permissions: contents: write\`.`
        );
        return;
      }
      throw error;
    }
    const entry = {
      file,
      sha: results.git?.sha,
      ref: results.git?.ref,
      started_at: results.started_at,
      saved_at: this.now().toISOString()
    };
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const head = await this.client.getBranchHead(this.branch);
      const changes = [];
      let baseTree;
      let entries = [];
      let existing = [];
      if (head) {
        baseTree = await this.client.getCommitTree(head);
        existing = (await this.client.listDirectoryAtRef(slug, head) ?? []).filter((name) => RESULTS_FILE.test(name));
        const indexText = await this.client.readFileAtRef(`${slug}/index.json`, head);
        if (indexText !== null) {
          try {
            entries = this.parseIndex(indexText, `${slug}/index.json`).entries;
          } catch (error) {
            this.log.warning(`${getErrorMessage(error)}; rebuilding the index from the files on the branch.`);
          }
        }
      } else {
        changes.push({ path: "README.md", sha: await this.client.createBlob(README) });
      }
      const known = new Set(entries.map((e) => e.file));
      for (const name of existing) {
        if (!known.has(name))
          entries.push({ file: name, sha: void 0, ref: void 0, started_at: "", saved_at: "" });
      }
      const all = [entry, ...entries.filter((e) => e.file !== file && existing.includes(e.file))].sort(
        (a, b) => b.file.localeCompare(a.file)
      );
      const kept = all.slice(0, this.keep);
      const keptFiles = new Set(kept.map((e) => e.file));
      const index = { schema: INDEX_SCHEMA, label, entries: kept };
      changes.push({ path: `${slug}/${file}`, sha: resultsBlob });
      changes.push({
        path: `${slug}/index.json`,
        sha: await this.client.createBlob(`${JSON.stringify(index, null, 2)}
`)
      });
      for (const name of existing)
        if (!keptFiles.has(name) && name !== file) changes.push({ path: `${slug}/${name}`, sha: null });
      const tree = await this.client.createTree(baseTree, changes);
      const message = `llm-bench: baseline for ${label} at ${(results.git?.sha ?? "unknown").slice(0, 12)}`;
      const commit = await this.client.createCommit(message, tree, head ? [head] : []);
      try {
        if (head) await this.client.updateBranch(this.branch, commit, false);
        else await this.client.createBranch(this.branch, commit);
        const pruned = existing.filter((name) => !keptFiles.has(name) && name !== file).length;
        this.log.info(
          `Saved the baseline for runner "${label}" to branch ${this.branch} as ${slug}/${file}${pruned ? ` (pruned ${pruned} older)` : ""}.`
        );
        return;
      } catch (error) {
        if (!isNonFastForward(error) || attempt === this.maxAttempts) {
          if (isNonFastForward(error)) {
            throw new Error(
              `Could not save the baseline to branch ${this.branch}: other jobs moved it on each of ${this.maxAttempts} attempts.`
            );
          }
          throw error;
        }
        this.log.debug?.(`Branch ${this.branch} moved while saving (attempt ${attempt}); rebuilding on the new tip.`);
        await this.sleep(Math.min(2e3, 100 * 2 ** (attempt - 1)));
      }
    }
  }
}

const nodeIO = {
  readFile: (path) => readFile(path, "utf8"),
  writeFile: async (path, text) => {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text, "utf8");
  }
};
class FileBaselineStore {
  constructor(options) {
    this.options = options;
    if (!options.path.trim()) throw new InputError("the 'baseline-path' input is required when baseline is 'file'");
    this.log = options.log ?? silentLogger;
    this.io = options.io ?? nodeIO;
  }
  options;
  kind = "file";
  log;
  io;
  pathFor(label) {
    return this.options.path.includes("{label}") ? this.options.path.replaceAll("{label}", labelSlug(label)) : this.options.path;
  }
  async load(label) {
    const path = this.pathFor(label);
    let text;
    try {
      text = await this.io.readFile(path);
    } catch (error) {
      const code = error.code;
      if (code === "ENOENT") {
        this.log.info(
          `No baseline file at ${path}: nothing to compare with yet. Commit a results file there (llm-bench writes one per run).`
        );
        return [];
      }
      throw new InputError(
        `cannot read the baseline file: ${code === "EISDIR" ? "is a directory, expected a file" : getErrorMessage(error)}`,
        { file: path }
      );
    }
    let data;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new InputError(`the baseline file is not valid JSON: ${getErrorMessage(error)}`, { file: path });
    }
    const results = parseResults(data, path);
    if (results.runner.label !== label) {
      this.log.warning(
        `The baseline file ${path} was recorded on runner "${results.runner.label}", not "${label}": comparing different machines. Put {label} in baseline-path to keep one file per runner.`
      );
    }
    return [results];
  }
  async save(label, results) {
    const path = this.pathFor(label);
    await this.io.writeFile(path, `${JSON.stringify(results, null, 2)}
`);
    this.log.info(`Wrote the baseline to ${path}; commit it to make it the baseline of later runs.`);
  }
}

const BASELINE_KINDS = ["cache", "branch", "artifact", "file"];

function createBaselineStore(spec) {
  switch (spec.kind) {
    case "file":
      return new FileBaselineStore(spec);
    case "branch":
      return new BranchBaselineStore(spec);
    case "cache":
      return new CacheBaselineStore(spec);
    case "artifact":
      return new ArtifactBaselineStore(spec);
  }
}

const str = (v) => typeof v === "string" && v !== "" ? v : void 0;
const num = (v) => typeof v === "number" && Number.isFinite(v) ? v : void 0;
const obj = (v) => v !== null && typeof v === "object" && !Array.isArray(v) ? v : void 0;
function readPayload(path, readFile) {
  if (!path) return {};
  let text;
  try {
    text = readFile(path);
  } catch (error) {
    if (error.code === "ENOENT") return {};
    throw new InputError(`cannot read the event payload: ${getErrorMessage(error)}`, { file: path });
  }
  let data;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(`the event payload is not valid JSON: ${getErrorMessage(error)}`, { file: path });
  }
  const payload = obj(data);
  if (!payload) throw new InputError("expected the event payload to be a JSON object", { file: path });
  return payload;
}
function parseRepo(env, payload) {
  const full = str(env.GITHUB_REPOSITORY) ?? str(obj(payload.repository)?.full_name);
  const match = full?.match(/^([^/\s]+)\/([^/\s]+)$/);
  if (!match) {
    throw new InputError(
      full === void 0 ? "GITHUB_REPOSITORY is not set: run inside GitHub Actions or set GITHUB_REPOSITORY=owner/repo" : `GITHUB_REPOSITORY must look like owner/repo, got ${JSON.stringify(full)}`
    );
  }
  return { owner: match[1], repo: match[2] };
}
function parsePullRequest(payload, repo) {
  const pr = obj(payload.pull_request);
  const number = num(pr?.number) ?? num(payload.number);
  if (!pr || number === void 0) return void 0;
  const head = obj(pr.head);
  const base = obj(pr.base);
  const headRepoFullName = str(obj(head?.repo)?.full_name);
  const baseRepoFullName = str(obj(base?.repo)?.full_name) ?? `${repo.owner}/${repo.repo}`;
  return {
    number,
    headSha: str(head?.sha) ?? "",
    headRef: str(head?.ref) ?? "",
    baseSha: str(base?.sha) ?? "",
    baseRef: str(base?.ref) ?? "",
    headRepoFullName,
    // A deleted head repository reads as a fork too: either way the token is not the base repository's.
    isFork: headRepoFullName === void 0 ? obj(head)?.repo === null : headRepoFullName.toLowerCase() !== baseRepoFullName.toLowerCase()
  };
}
function parseWorkflowRun(payload) {
  const run = obj(payload.workflow_run);
  const id = num(run?.id);
  if (!run || id === void 0) return void 0;
  const prs = Array.isArray(run.pull_requests) ? run.pull_requests : [];
  return {
    id,
    name: str(run.name),
    event: str(run.event),
    conclusion: str(run.conclusion),
    headSha: str(run.head_sha),
    headBranch: str(run.head_branch),
    headRepoFullName: str(obj(run.head_repository)?.full_name),
    pullRequestNumbers: prs.map((p) => num(obj(p)?.number)).filter((n) => n !== void 0)
  };
}
function positiveInt(value, fallback) {
  const n = value === void 0 ? NaN : Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}
function readActionContext(env, readFile = (p) => readFileSync(p, "utf8")) {
  const payload = readPayload(str(env.GITHUB_EVENT_PATH), readFile);
  const repo = parseRepo(env, payload);
  const eventName = str(env.GITHUB_EVENT_NAME) ?? "";
  const sha = str(env.GITHUB_SHA) ?? str(payload.after) ?? "";
  const ref = str(env.GITHUB_REF) ?? str(payload.ref) ?? "";
  const pullRequest = parsePullRequest(payload, repo);
  const workflowRun = parseWorkflowRun(payload);
  const defaultBranch = str(obj(payload.repository)?.default_branch);
  const workflowRef = str(env.GITHUB_WORKFLOW_REF);
  const workflowPath = workflowRef?.match(/^[^/]+\/[^/]+\/(.+?)@/)?.[1];
  const apiUrl = (str(env.GITHUB_API_URL) ?? "https://api.github.com").replace(/\/+$/, "");
  const serverUrl = (str(env.GITHUB_SERVER_URL) ?? "https://github.com").replace(/\/+$/, "");
  const runId = positiveInt(env.GITHUB_RUN_ID, 0);
  return {
    eventName,
    repo,
    sha,
    ref,
    headSha: (pullRequest?.headSha || void 0) ?? workflowRun?.headSha ?? sha,
    runId,
    runAttempt: positiveInt(env.GITHUB_RUN_ATTEMPT, 1),
    workflowRef,
    workflowFile: workflowPath?.split("/").pop(),
    baseRef: str(env.GITHUB_BASE_REF) ?? (pullRequest?.baseRef || void 0),
    headRef: str(env.GITHUB_HEAD_REF) ?? (pullRequest?.headRef || void 0),
    defaultBranch,
    isDefaultBranchPush: eventName === "push" && defaultBranch !== void 0 && ref === `refs/heads/${defaultBranch}`,
    pullRequest,
    workflowRun,
    apiUrl,
    serverUrl,
    runUrl: `${serverUrl}/${repo.owner}/${repo.repo}/actions/runs/${runId}`,
    stepSummaryPath: str(env.GITHUB_STEP_SUMMARY),
    payload
  };
}
function pullNumberFromRef(ref) {
  const match = ref?.match(/^refs\/pull\/(\d+)\/(?:merge|head)$/);
  return match ? Number(match[1]) : void 0;
}

// pkg/dist-src/index.js

// pkg/dist-src/version.js
var VERSION = "0.0.0-development";

// pkg/dist-src/wrap-request.js
var noop = () => Promise.resolve();
function wrapRequest(state, request, options) {
  return state.retryLimiter.schedule(doRequest, state, request, options);
}
async function doRequest(state, request, options) {
  const { pathname } = new URL(options.url, "http://github.test");
  const isAuth = isAuthRequest(options.method, pathname);
  const isWrite = !isAuth && options.method !== "GET" && options.method !== "HEAD";
  const isSearch = options.method === "GET" && pathname.startsWith("/search/");
  const isGraphQL = pathname.startsWith("/graphql");
  const retryCount = ~~request.retryCount;
  const jobOptions = retryCount > 0 ? { priority: 0, weight: 0 } : {};
  if (state.clustering) {
    jobOptions.expiration = 1e3 * 60;
  }
  if (isWrite || isGraphQL) {
    await state.write.key(state.id).schedule(jobOptions, noop);
  }
  if (isWrite && state.triggersNotification(pathname)) {
    await state.notifications.key(state.id).schedule(jobOptions, noop);
  }
  if (isSearch) {
    await state.search.key(state.id).schedule(jobOptions, noop);
  }
  const req = (isAuth ? state.auth : state.global).key(state.id).schedule(jobOptions, request, options);
  if (isGraphQL) {
    const res = await req;
    if (res.data.errors != null && res.data.errors.some((error) => error.type === "RATE_LIMITED")) {
      const error = Object.assign(new Error("GraphQL Rate Limit Exceeded"), {
        response: res,
        data: res.data
      });
      throw error;
    }
  }
  return req;
}
function isAuthRequest(method, pathname) {
  return method === "PATCH" && // https://docs.github.com/en/rest/apps/apps?apiVersion=2022-11-28#create-a-scoped-access-token
  /^\/applications\/[^/]+\/token\/scoped$/.test(pathname) || method === "POST" && // https://docs.github.com/en/rest/apps/oauth-applications?apiVersion=2022-11-28#reset-a-token
  (/^\/applications\/[^/]+\/token$/.test(pathname) || // https://docs.github.com/en/rest/apps/apps?apiVersion=2022-11-28#create-an-installation-access-token-for-an-app
  /^\/app\/installations\/[^/]+\/access_tokens$/.test(pathname) || // https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
  pathname === "/login/oauth/access_token");
}

// pkg/dist-src/generated/triggers-notification-paths.js
var triggers_notification_paths_default = [
  "/orgs/{org}/invitations",
  "/orgs/{org}/invitations/{invitation_id}",
  "/orgs/{org}/teams/{team_slug}/discussions",
  "/orgs/{org}/teams/{team_slug}/discussions/{discussion_number}/comments",
  "/repos/{owner}/{repo}/collaborators/{username}",
  "/repos/{owner}/{repo}/commits/{commit_sha}/comments",
  "/repos/{owner}/{repo}/issues",
  "/repos/{owner}/{repo}/issues/{issue_number}/comments",
  "/repos/{owner}/{repo}/issues/{issue_number}/sub_issue",
  "/repos/{owner}/{repo}/issues/{issue_number}/sub_issues/priority",
  "/repos/{owner}/{repo}/pulls",
  "/repos/{owner}/{repo}/pulls/{pull_number}/comments",
  "/repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies",
  "/repos/{owner}/{repo}/pulls/{pull_number}/merge",
  "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers",
  "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
  "/repos/{owner}/{repo}/releases",
  "/teams/{team_id}/discussions",
  "/teams/{team_id}/discussions/{discussion_number}/comments"
];

// pkg/dist-src/route-matcher.js
function routeMatcher(paths) {
  const regexes = paths.map(
    (path) => path.split("/").map((c) => c.startsWith("{") ? "(?:.+?)" : c).join("/")
  );
  const regex2 = `^(?:${regexes.map((r) => `(?:${r})`).join("|")})[^/]*$`;
  return new RegExp(regex2, "i");
}

// pkg/dist-src/index.js
var regex = routeMatcher(triggers_notification_paths_default);
var triggersNotification = regex.test.bind(regex);
var groups = {};
var createGroups = function(Bottleneck, common) {
  groups.global = new Bottleneck.Group({
    id: "octokit-global",
    maxConcurrent: 10,
    ...common
  });
  groups.auth = new Bottleneck.Group({
    id: "octokit-auth",
    maxConcurrent: 1,
    ...common
  });
  groups.search = new Bottleneck.Group({
    id: "octokit-search",
    maxConcurrent: 1,
    minTime: 2e3,
    ...common
  });
  groups.write = new Bottleneck.Group({
    id: "octokit-write",
    maxConcurrent: 1,
    minTime: 1e3,
    ...common
  });
  groups.notifications = new Bottleneck.Group({
    id: "octokit-notifications",
    maxConcurrent: 1,
    minTime: 3e3,
    ...common
  });
};
function throttling(octokit, octokitOptions) {
  const {
    enabled = true,
    Bottleneck = BottleneckLight,
    id = "no-id",
    timeout = 1e3 * 60 * 2,
    // Redis TTL: 2 minutes
    connection
  } = octokitOptions.throttle || {};
  if (!enabled) {
    return {};
  }
  const common = { timeout };
  if (typeof connection !== "undefined") {
    common.connection = connection;
  }
  const state = Object.assign(
    {
      clustering: connection != null,
      triggersNotification,
      fallbackSecondaryRateRetryAfter: 60,
      retryAfterBaseValue: 1e3,
      id
    },
    octokitOptions.throttle
  );
  if (typeof state.onSecondaryRateLimit !== "function" || typeof state.onRateLimit !== "function") {
    throw new Error(`octokit/plugin-throttling error:
        You must pass the onSecondaryRateLimit and onRateLimit error handlers.
        See https://octokit.github.io/rest.js/#throttling

        const octokit = new Octokit({
          throttle: {
            onSecondaryRateLimit: (retryAfter, options) => {/* ... */},
            onRateLimit: (retryAfter, options) => {/* ... */}
          }
        })
    `);
  }
  let initialized = false;
  const initializeBottleneck = () => {
    if (initialized) {
      return;
    }
    initialized = true;
    if (groups.global == null) {
      createGroups(Bottleneck, common);
    }
    state.global = state.global ?? groups.global;
    state.auth = state.auth ?? groups.auth;
    state.search = state.search ?? groups.search;
    state.write = state.write ?? groups.write;
    state.notifications = state.notifications ?? groups.notifications;
    state.retryLimiter = state.retryLimiter ?? new Bottleneck();
    const events = {};
    const emitter = new Bottleneck.Events(events);
    events.on("secondary-limit", state.onSecondaryRateLimit);
    events.on("rate-limit", state.onRateLimit);
    events.on(
      "error",
      (e) => octokit.log.warn("Error in throttling-plugin limit handler", e)
    );
    state.retryLimiter.on("failed", async function(error, info) {
      const [state2, request, options] = info.args;
      const { pathname } = new URL(options.url, "http://github.test");
      const shouldRetryGraphQL = pathname.startsWith("/graphql") && error.status !== 401;
      if (!(shouldRetryGraphQL || error.status === 403 || error.status === 429)) {
        return;
      }
      const retryCount = ~~request.retryCount;
      request.retryCount = retryCount;
      options.request.retryCount = retryCount;
      const { wantRetry, retryAfter = 0 } = await (async function() {
        if (/\bsecondary rate\b/i.test(error.message)) {
          const retryAfter2 = Number(error.response.headers["retry-after"]) || state2.fallbackSecondaryRateRetryAfter;
          const wantRetry2 = await emitter.trigger(
            "secondary-limit",
            retryAfter2,
            options,
            octokit,
            retryCount
          );
          return { wantRetry: wantRetry2, retryAfter: retryAfter2 };
        }
        if (error.response.headers != null && error.response.headers["x-ratelimit-remaining"] === "0" || (error.response.data?.errors ?? []).some(
          (error2) => error2.type === "RATE_LIMITED"
        )) {
          const rateLimitReset = new Date(
            ~~error.response.headers["x-ratelimit-reset"] * 1e3
          ).getTime();
          const retryAfter2 = Math.max(
            // Add one second so we retry _after_ the reset time
            // https://docs.github.com/en/rest/overview/resources-in-the-rest-api?apiVersion=2022-11-28#exceeding-the-rate-limit
            Math.ceil((rateLimitReset - Date.now()) / 1e3) + 1,
            0
          );
          const wantRetry2 = await emitter.trigger(
            "rate-limit",
            retryAfter2,
            options,
            octokit,
            retryCount
          );
          return { wantRetry: wantRetry2, retryAfter: retryAfter2 };
        }
        return {};
      })();
      if (wantRetry) {
        request.retryCount++;
        return retryAfter * state2.retryAfterBaseValue;
      }
    });
  };
  octokit.hook.wrap("request", (request, options) => {
    initializeBottleneck();
    return wrapRequest(state, request, options);
  });
  return {};
}
throttling.VERSION = VERSION;
throttling.triggersNotification = triggersNotification;

const ACTIONS_BOT_LOGIN = "github-actions[bot]";
const CONTENTS_ROUTE = "GET /repos/{owner}/{repo}/contents/{+path}";
const toBuffer = (data) => {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (typeof data === "string") return Buffer.from(data, "binary");
  throw new Error(`unexpected response body of type ${typeof data}`);
};
class GitHubClient {
  constructor(octokit, repo, options = {}) {
    this.octokit = octokit;
    this.repo = repo;
    this.options = options;
  }
  octokit;
  repo;
  options;
  identity;
  // ---- identity ---------------------------------------------------------------------------------
  /**
   * Who the token writes as. GET /user answers for a PAT; an installation token (GITHUB_TOKEN or a
   * GitHub App's) gets 403 "Resource not accessible by integration" there, so ask GraphQL's `viewer`,
   * which answers `<app>[bot]` for those; if that fails too, assume GITHUB_TOKEN's `github-actions[bot]`.
   * Cached: one lookup per client.
   */
  whoAmI() {
    this.identity ??= this.lookupIdentity();
    return this.identity;
  }
  async lookupIdentity() {
    try {
      const { data } = await this.octokit.rest.users.getAuthenticated();
      return { login: data.login, kind: data.type === "Bot" ? "bot" : "user", source: "rest" };
    } catch (error) {
      const status = httpStatus(error);
      if (status !== 403 && status !== 404) throw error;
    }
    try {
      const data = await this.octokit.graphql("query { viewer { login } }");
      const login = data.viewer?.login;
      if (typeof login === "string" && login) {
        return { login: login.endsWith("[bot]") ? login : `${login}[bot]`, kind: "bot", source: "graphql" };
      }
    } catch {
    }
    return { login: ACTIONS_BOT_LOGIN, kind: "bot", source: "fallback" };
  }
  // ---- issue comments ---------------------------------------------------------------------------
  /** Every comment on an issue or PR, oldest first, following the Link header through every page. */
  async listIssueComments(issueNumber) {
    const comments = await this.octokit.paginate(this.octokit.rest.issues.listComments, {
      ...this.repo,
      issue_number: issueNumber,
      per_page: 100
    });
    return comments.map(toComment);
  }
  async createIssueComment(issueNumber, body) {
    const { data } = await this.octokit.rest.issues.createComment({ ...this.repo, issue_number: issueNumber, body });
    return toComment(data);
  }
  async updateIssueComment(commentId, body) {
    const { data } = await this.octokit.rest.issues.updateComment({ ...this.repo, comment_id: commentId, body });
    return toComment(data);
  }
  /** The open PR whose head is `owner:branch` (how a workflow_run for a fork PR finds its PR). */
  async findOpenPullRequest(headOwner, headBranch) {
    const { data } = await this.octokit.rest.pulls.list({
      ...this.repo,
      head: `${headOwner}:${headBranch}`,
      state: "open",
      per_page: 10
    });
    return data[0]?.number;
  }
  // ---- check runs -------------------------------------------------------------------------------
  async createCheckRun(run) {
    const { data } = await this.octokit.rest.checks.create({
      ...this.repo,
      name: run.name,
      head_sha: run.headSha,
      status: "completed",
      conclusion: run.conclusion,
      completed_at: run.completedAt ?? (/* @__PURE__ */ new Date()).toISOString(),
      output: run.output,
      ...run.detailsUrl ? { details_url: run.detailsUrl } : {},
      ...run.externalId ? { external_id: run.externalId } : {}
    });
    return { id: data.id, htmlUrl: data.html_url ?? void 0 };
  }
  async updateCheckRun(checkRunId, update) {
    const { data } = await this.octokit.rest.checks.update({
      ...this.repo,
      check_run_id: checkRunId,
      status: "completed",
      conclusion: update.conclusion,
      completed_at: update.completedAt ?? (/* @__PURE__ */ new Date()).toISOString(),
      output: update.output
    });
    return { id: data.id, htmlUrl: data.html_url ?? void 0 };
  }
  // ---- contents ---------------------------------------------------------------------------------
  /**
   * A file's bytes at a branch, tag or sha through the contents API; null when the file (or the ref)
   * does not exist. Files over 1 MB come back without content there, so they are read as git blobs.
   */
  async getFileAtRef(path, ref) {
    let data;
    try {
      ({ data } = await this.octokit.request(CONTENTS_ROUTE, { ...this.repo, path: path.replace(/^\/+/, ""), ref }));
    } catch (error) {
      if (isNotFoundError(error)) return null;
      throw error;
    }
    if (Array.isArray(data)) throw new Error(`${path} at ${ref} is a directory, expected a file`);
    const entry = data;
    if (entry.type !== "file") throw new Error(`${path} at ${ref} is a ${entry.type ?? "non-file"}, expected a file`);
    const sha = entry.sha ?? "";
    if (entry.encoding === "base64" && typeof entry.content === "string" && (entry.content !== "" || entry.size === 0)) {
      return { path: entry.path ?? path, sha, content: Buffer.from(entry.content, "base64") };
    }
    return { path: entry.path ?? path, sha, content: await this.getBlob(sha) };
  }
  /** The same as getFileAtRef, decoded as UTF-8 text. */
  async readFileAtRef(path, ref) {
    const file = await this.getFileAtRef(path, ref);
    return file ? file.content.toString("utf8") : null;
  }
  /** Names of the files directly inside a directory at a ref (the contents API lists up to 1,000); null when absent. */
  async listDirectoryAtRef(path, ref) {
    let data;
    try {
      ({ data } = await this.octokit.request(CONTENTS_ROUTE, {
        ...this.repo,
        path: path.replace(/^\/+|\/+$/g, ""),
        ref
      }));
    } catch (error) {
      if (isNotFoundError(error)) return null;
      throw error;
    }
    if (!Array.isArray(data)) return null;
    return data.filter((e) => e.type === "file" && typeof e.name === "string").map((e) => e.name);
  }
  // ---- git data ---------------------------------------------------------------------------------
  /** The commit a branch points at, or null when the branch does not exist. */
  async getBranchHead(branch) {
    try {
      const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/git/ref/{+ref}", {
        ...this.repo,
        ref: `heads/${branch}`
      });
      return data.object.sha;
    } catch (error) {
      if (isNotFoundError(error)) return null;
      throw error;
    }
  }
  async getCommitTree(commitSha) {
    const { data } = await this.octokit.rest.git.getCommit({ ...this.repo, commit_sha: commitSha });
    return data.tree.sha;
  }
  async getBlob(blobSha) {
    const { data } = await this.octokit.rest.git.getBlob({ ...this.repo, file_sha: blobSha });
    return Buffer.from(data.content, data.encoding === "base64" ? "base64" : "utf8");
  }
  async createBlob(content) {
    const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
    const { data } = await this.octokit.rest.git.createBlob({
      ...this.repo,
      content: bytes.toString("base64"),
      encoding: "base64"
    });
    return data.sha;
  }
  /** A tree: `baseTree` with `changes` applied (no base: a tree of only the changes). */
  async createTree(baseTree, changes) {
    const { data } = await this.octokit.rest.git.createTree({
      ...this.repo,
      ...baseTree ? { base_tree: baseTree } : {},
      tree: changes.map((c) => ({ path: c.path, mode: "100644", type: "blob", sha: c.sha }))
    });
    return data.sha;
  }
  async createCommit(message, tree, parents) {
    const { data } = await this.octokit.rest.git.createCommit({ ...this.repo, message, tree, parents });
    return data.sha;
  }
  /** Moves a branch; without `force` GitHub answers 422 "Update is not a fast forward" when it moved meanwhile. */
  async updateBranch(branch, sha, force = false) {
    await this.octokit.request("PATCH /repos/{owner}/{repo}/git/refs/{+ref}", {
      ...this.repo,
      ref: `heads/${branch}`,
      sha,
      force
    });
  }
  /** Creates a branch; GitHub answers 422 "Reference already exists" when another job was first. */
  async createBranch(branch, sha) {
    await this.octokit.rest.git.createRef({ ...this.repo, ref: `refs/heads/${branch}`, sha });
  }
  // ---- actions runs and artifacts ---------------------------------------------------------------
  /**
   * Successful runs, newest first: of one workflow (its file name or id) when given, else of the
   * whole repository.
   */
  async listSuccessfulRuns(query) {
    const params = {
      ...this.repo,
      status: "success",
      per_page: query.perPage ?? 20,
      ...query.branch ? { branch: query.branch } : {},
      ...query.event ? { event: query.event } : {}
    };
    const { data } = query.workflow !== void 0 ? await this.octokit.rest.actions.listWorkflowRuns({ ...params, workflow_id: query.workflow }) : await this.octokit.rest.actions.listWorkflowRunsForRepo(params);
    return data.workflow_runs.map((r) => ({
      id: r.id,
      headSha: r.head_sha,
      headBranch: r.head_branch ?? void 0,
      event: r.event,
      conclusion: r.conclusion ?? void 0,
      createdAt: r.created_at,
      htmlUrl: r.html_url
    }));
  }
  /** Every artifact of a run (all pages), optionally only those named exactly `name`. */
  async listRunArtifacts(runId, name) {
    const artifacts = await this.octokit.paginate(this.octokit.rest.actions.listWorkflowRunArtifacts, {
      ...this.repo,
      run_id: runId,
      per_page: 100,
      ...name ? { name } : {}
    });
    return artifacts.map((a) => ({
      id: a.id,
      name: a.name,
      sizeBytes: a.size_in_bytes,
      expired: a.expired,
      createdAt: a.created_at ?? void 0,
      workflowRunId: a.workflow_run?.id ?? void 0
    }));
  }
  /**
   * An artifact's zip archive. GitHub answers 302 to a short-lived blob URL; that URL is fetched
   * without the Authorization header so the token never leaves GitHub.
   */
  async downloadArtifactZip(artifactId) {
    const response = await this.octokit.rest.actions.downloadArtifact({
      ...this.repo,
      artifact_id: artifactId,
      archive_format: "zip",
      request: { redirect: "manual" }
    });
    const status = response.status;
    if (status === 200) return toBuffer(response.data);
    const location = response.headers.location;
    if (status < 300 || status >= 400 || typeof location !== "string") {
      throw new Error(`downloading artifact ${artifactId}: expected a redirect to the archive, got HTTP ${status}`);
    }
    const fetchBlob = this.options.fetchBlob ?? ((url) => fetch(url));
    const blob = await fetchBlob(new URL(location, response.url).toString());
    if (!blob.ok) throw new Error(`downloading artifact ${artifactId}: the archive store answered HTTP ${blob.status}`);
    return Buffer.from(await blob.arrayBuffer());
  }
}
function toComment(data) {
  return {
    id: data.id,
    body: data.body ?? "",
    htmlUrl: data.html_url,
    userLogin: data.user?.login ?? void 0,
    userType: data.user?.type ?? void 0,
    createdAt: data.created_at
  };
}
function createGitHubClient(token, repo, options = {}) {
  const { baseUrl, retry: retryOptions = {}, ...rest } = options;
  const retries = retryOptions.retries ?? 3;
  const baseMs = retryOptions.baseMs ?? 1e3;
  const log = retryOptions.log ?? (() => {
  });
  const onLimit = (what) => (after, request, _octokit, retryCount) => {
    if (retryCount >= retries) return void 0;
    log(
      `GitHub ${what} on ${request.method} ${request.url}: retrying in ${after} s (retry ${retryCount + 1} of ${retries})`
    );
    return true;
  };
  const octokit = getOctokit(
    token,
    {
      ...baseUrl ? { baseUrl: baseUrl.replace(/\/+$/, "") } : {},
      retry: { retries, retryAfterBaseValue: baseMs },
      throttle: {
        // The plugin's option type omits its spacing groups, which it reads when given.
        ...retryOptions.pace === false ? { write: noPacing(), notifications: noPacing() } : {},
        onRateLimit: onLimit("rate limit"),
        onSecondaryRateLimit: onLimit("secondary rate limit"),
        // Waits scale with the backoff unit, so tests against a local peer do not sleep for real minutes.
        fallbackSecondaryRateRetryAfter: Math.max(1, Math.round(60 * baseMs / 1e3))
      }
    },
    retry,
    throttling
  );
  return new GitHubClient(octokit, repo, rest);
}
function noPacing() {
  return { key: () => ({ schedule: (_options, job) => job() }) };
}

const COMMENT_MODES = ["always", "on-change", "on-regression", "never"];
const COMMENT_BODY_LIMIT = 65536;
function hasRegression(verdict) {
  return verdict.status === "regression" || verdict.status === "incomplete" || verdict.summary.regressions > 0 || verdict.summary.limits > 0;
}
function hasChange(verdict) {
  const s = verdict.summary;
  return hasRegression(verdict) || s.improvements + s.new + s.missing > 0;
}
function commentDue(mode, verdict) {
  switch (mode) {
    case "always":
      return true;
    case "on-change":
      return hasChange(verdict);
    case "on-regression":
      return hasRegression(verdict);
    case "never":
      return false;
  }
}
const CUT_NOTE$2 = "\n\n\u2026 (report cut to fit GitHub's comment size limit; the job summary has the full report)\n\n";
function fitCommentBody(body, marker, limit = COMMENT_BODY_LIMIT) {
  const withMarker = body.includes(marker) ? body : `${body.replace(/\s+$/, "")}

${marker}
`;
  if (withMarker.length <= limit) return { body: withMarker, cut: false };
  const text = withMarker.replace(marker, "");
  let keep = Math.max(0, limit - marker.length - CUT_NOTE$2.length - 1);
  const code = text.charCodeAt(keep - 1);
  if (code >= 55296 && code <= 56319) keep -= 1;
  return { body: `${text.slice(0, keep)}${CUT_NOTE$2}${marker}
`, cut: true };
}
function stripBot(login) {
  return login.toLowerCase().replace(/\[bot\]$/, "");
}
function writtenBy(comment, identity) {
  const login = comment.userLogin;
  if (!login) return false;
  if (identity.kind === "bot") return comment.userType === "Bot" && stripBot(login) === stripBot(identity.login);
  return comment.userType !== "Bot" && login.toLowerCase() === identity.login.toLowerCase();
}
function findStickyComment(comments, marker, identity) {
  const mine = comments.filter((c) => c.body.includes(marker) && writtenBy(c, identity));
  return { comment: mine[0], duplicates: Math.max(0, mine.length - 1) };
}
async function postStickyComment(client, options) {
  const log = options.log ?? silentLogger;
  const { mode, verdict } = options;
  if (mode === "never")
    return {
      status: "skipped",
      url: void 0,
      commentId: void 0,
      message: "comment: never, no PR comment written"
    };
  const marker = reportMarker(options.reportId);
  const fitted = fitCommentBody(options.body, marker);
  if (fitted.cut)
    log.warning(
      `The report is longer than GitHub's ${COMMENT_BODY_LIMIT}-character comment limit; the comment was cut (the job summary has it all).`
    );
  try {
    const identity = options.author ? { login: options.author, kind: options.author.endsWith("[bot]") ? "bot" : "user", source: "given" } : await client.whoAmI();
    log.debug?.(`Looking for the comment marked ${marker} written by ${identity.login} (${identity.source}).`);
    const comments = await client.listIssueComments(options.issueNumber);
    const { comment: existing, duplicates } = findStickyComment(comments, marker, identity);
    if (duplicates > 0)
      log.debug?.(`${duplicates} more comment(s) by ${identity.login} carry the marker; updating the oldest.`);
    if (existing) {
      const updated = await client.updateIssueComment(existing.id, fitted.body);
      return {
        status: "updated",
        url: updated.htmlUrl,
        commentId: updated.id,
        message: `Updated the report comment ${updated.htmlUrl}`
      };
    }
    if (!commentDue(mode, verdict)) {
      return {
        status: "skipped",
        url: void 0,
        commentId: void 0,
        message: `comment: ${mode} and the verdict has no ${mode === "on-regression" ? "regression" : "change"}, so no comment was created`
      };
    }
    const created = await client.createIssueComment(options.issueNumber, fitted.body);
    return {
      status: "created",
      url: created.htmlUrl,
      commentId: created.id,
      message: `Created the report comment ${created.htmlUrl}`
    };
  } catch (error) {
    if (isReadOnlyTokenError(error)) {
      return {
        status: "read-only",
        url: void 0,
        commentId: void 0,
        message: readOnlyTokenHint("pull request comment")
      };
    }
    throw error;
  }
}

const CHECK_TEXT_LIMIT = 65535;
function checkConclusion(status, options = {}) {
  switch (status) {
    case "regression":
      return options.failOnRegression === false ? "neutral" : "failure";
    case "incomplete":
      if (options.cancelled) return "cancelled";
      return options.failOnIncomplete === false ? "neutral" : "failure";
    case "pass":
      return "success";
    case "no-baseline":
      return "neutral";
  }
}
const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
function checkTitle(verdict) {
  const s = verdict.summary;
  const parts = [];
  if (verdict.incomplete) parts.push(`Incomplete, not fully judged: ${verdict.incomplete.reasons[0]}`);
  if (verdict.status === "no-baseline" || verdict.status === "incomplete" && s.regressions + s.limits + s.improvements + s.unchanged === 0) {
    return parts.length ? parts.join("; ") : "No baseline to compare with yet";
  }
  if (s.regressions > 0) parts.push(plural(s.regressions, "regression"));
  if (s.limits > 0) parts.push(plural(s.limits, "limit exceeded", "limits exceeded"));
  if (s.regressions + s.limits === 0) parts.push(verdict.incomplete ? "no regressions in what ran" : "No regressions");
  if (s.improvements > 0) parts.push(plural(s.improvements, "improvement"));
  if (s.worse_not_gated > 0) parts.push(`${s.worse_not_gated} worse but not gated`);
  if (s.new > 0) parts.push(`${s.new} new`);
  if (s.missing > 0) parts.push(`${s.missing} missing`);
  return parts.join(", ");
}
const CUT_NOTE$1 = "\n\n\u2026 (cut to fit GitHub's check run size limit; the job summary has the full report)";
function fitCheckText(text, limit = CHECK_TEXT_LIMIT) {
  if (text.length <= limit) return text;
  let keep = limit - CUT_NOTE$1.length;
  const code = text.charCodeAt(keep - 1);
  if (code >= 55296 && code <= 56319) keep -= 1;
  return text.slice(0, keep) + CUT_NOTE$1;
}
async function publishCheckRun(client, options) {
  const log = options.log ?? silentLogger;
  const conclusion = checkConclusion(options.verdict.status, {
    failOnRegression: options.failOnRegression,
    failOnIncomplete: options.failOnIncomplete,
    cancelled: options.verdict.incomplete?.cancelled
  });
  const summary = fitCheckText(options.summary);
  if (summary.length < options.summary.length)
    log.warning(`The check run summary was cut to GitHub's ${CHECK_TEXT_LIMIT}-character limit.`);
  try {
    const run = await client.createCheckRun({
      name: options.name,
      headSha: options.headSha,
      conclusion,
      output: {
        title: checkTitle(options.verdict),
        summary,
        ...options.text ? { text: fitCheckText(options.text) } : {}
      },
      ...options.detailsUrl ? { detailsUrl: options.detailsUrl } : {}
    });
    return {
      status: "created",
      conclusion,
      url: run.htmlUrl,
      checkRunId: run.id,
      message: `Check run "${options.name}" concluded ${conclusion}`
    };
  } catch (error) {
    if (isReadOnlyTokenError(error)) {
      return {
        status: "read-only",
        conclusion,
        url: void 0,
        checkRunId: void 0,
        message: readOnlyTokenHint(`"${options.name}" check run`)
      };
    }
    throw error;
  }
}

const SUMMARY_LIMIT_BYTES = 1024 * 1024;
const CUT_NOTE = `${EOL}${EOL}\u2026 (summary cut to GitHub's 1 MiB job summary limit)${EOL}`;
function fitSummary(markdown, limitBytes = SUMMARY_LIMIT_BYTES) {
  const bytes = Buffer.from(markdown, "utf8");
  if (bytes.length <= limitBytes) return { markdown, cut: false };
  let end = limitBytes - Buffer.byteLength(CUT_NOTE);
  while (end > 0 && (bytes[end] & 192) === 128) end -= 1;
  return { markdown: bytes.subarray(0, end).toString("utf8") + CUT_NOTE, cut: true };
}
async function writeJobSummary(markdown, path, log = silentLogger) {
  if (!path) {
    return {
      written: false,
      message: "GITHUB_STEP_SUMMARY is not set (not running in GitHub Actions?): no job summary written"
    };
  }
  const fitted = fitSummary(markdown);
  if (fitted.cut) log.warning("The report is larger than GitHub's 1 MiB job summary limit; the summary was cut.");
  try {
    await appendFile(path, fitted.markdown.endsWith(EOL) ? fitted.markdown : fitted.markdown + EOL, "utf8");
    return { written: true, message: "Wrote the job summary" };
  } catch (error) {
    const message = `Could not write the job summary to ${path}: ${getErrorMessage(error)}`;
    log.warning(message);
    return { written: false, message };
  }
}

function repoPath(path, where) {
  const normal = posix.normalize(path.replace(/\\/g, "/")).replace(/^\.\/+/, "");
  if (normal.startsWith("../") || normal === ".." || posix.isAbsolute(normal)) {
    throw new InputError(`${JSON.stringify(path)} points outside the repository`, where);
  }
  return normal;
}
async function readConfigAtRef(client, configPath, ref) {
  const path = repoPath(configPath, { file: configPath });
  const text = await client.readFileAtRef(path, ref);
  if (text === null) return null;
  const file = `${ref}:${path}`;
  const config = parseConfig(text, file);
  const dir = posix.dirname(path);
  const prompts = await Promise.all(
    config.prompts.map(async (p, i) => {
      if (p.text !== void 0) return p;
      const at = { file, path: `prompts[${i}].file` };
      const promptPath = repoPath(posix.join(dir, p.file), at);
      const body = await client.readFileAtRef(promptPath, ref);
      if (body === null) throw new InputError(`prompt file ${promptPath} does not exist at ${ref}`, at);
      if (!body.trim()) throw new InputError(`prompt file ${promptPath} is empty at ${ref}`, at);
      return { ...p, text: body };
    })
  );
  return { config: { ...config, prompts }, text, ref };
}

const quoted = (value) => `'${value}'`;
function oneOf(name, value, allowed) {
  if (allowed.includes(value)) return value;
  throw new InputError(`'${name}' input must be one of ${allowed.join(" | ")}, got ${quoted(value)}`);
}
const TRUE = ["true", "True", "TRUE"];
const FALSE = ["false", "False", "FALSE"];
function boolean(name, value) {
  if (TRUE.includes(value)) return true;
  if (FALSE.includes(value)) return false;
  throw new InputError(`'${name}' input must be true or false, got ${quoted(value)}`);
}
function singleLine(name, value) {
  if (/[\r\n]/.test(value))
    throw new InputError(`'${name}' input must be one line, got ${quoted(value.replace(/\r?\n/g, "\\n"))}`);
  return value;
}
function parseInputs(read) {
  const get = (name) => {
    const value = read(name).trim();
    return value === "" ? INPUT_DEFAULTS[name] : value;
  };
  const optional = (name) => get(name) || void 0;
  const mode = oneOf(Inputs.Mode, get(Inputs.Mode), MODES);
  const strategy = oneOf(Inputs.Strategy, get(Inputs.Strategy), STRATEGIES);
  const baseline = oneOf(Inputs.Baseline, get(Inputs.Baseline), BASELINE_KINDS);
  const saveBaseline = oneOf(Inputs.SaveBaseline, get(Inputs.SaveBaseline), SAVE_BASELINE);
  const comment = oneOf(Inputs.Comment, get(Inputs.Comment), COMMENT_MODES);
  const failOnRegression = boolean(Inputs.FailOnRegression, get(Inputs.FailOnRegression));
  const failOnIncomplete = boolean(Inputs.FailOnIncomplete, get(Inputs.FailOnIncomplete));
  const cacheModels = boolean(Inputs.CacheModels, get(Inputs.CacheModels));
  const config = singleLine(Inputs.Config, get(Inputs.Config));
  const resultsPath = singleLine(Inputs.ResultsPath, get(Inputs.ResultsPath));
  if (!/\.json$/i.test(resultsPath)) {
    throw new InputError(`'${Inputs.ResultsPath}' input must name a .json file, got ${quoted(resultsPath)}`);
  }
  const runnerLabel = optional(Inputs.RunnerLabel);
  if (runnerLabel !== void 0) {
    singleLine(Inputs.RunnerLabel, runnerLabel);
    if (runnerLabel.length > 100)
      throw new InputError(`'${Inputs.RunnerLabel}' input must be at most 100 characters, got ${quoted(runnerLabel)}`);
  }
  const baselinePath = optional(Inputs.BaselinePath);
  if (baseline === "file" && baselinePath === void 0) {
    throw new InputError(`'${Inputs.BaselinePath}' input is required when 'baseline' is file, got ''`);
  }
  if (baselinePath !== void 0) singleLine(Inputs.BaselinePath, baselinePath);
  const baselineBranch = get(Inputs.BaselineBranch);
  if (!isSafeBranchName(baselineBranch)) {
    throw new InputError(
      `'${Inputs.BaselineBranch}' input must be a branch name (letters, digits, '.', '_', '-', '/'), got ${quoted(baselineBranch)}`
    );
  }
  const checkName = singleLine(Inputs.CheckName, get(Inputs.CheckName));
  if (checkName.length > 100)
    throw new InputError(`'${Inputs.CheckName}' input must be at most 100 characters, got ${quoted(checkName)}`);
  const reportId = get(Inputs.ReportId);
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(reportId)) {
    throw new InputError(
      `'${Inputs.ReportId}' input must be 1\u201364 letters, digits, '.', '_' or '-', got ${quoted(reportId)}`
    );
  }
  const template = optional(Inputs.Template);
  if (template !== void 0) singleLine(Inputs.Template, template);
  return {
    config,
    mode,
    strategy,
    runnerLabel,
    baseline,
    baselinePath,
    baselineBranch,
    saveBaseline,
    githubToken: optional(Inputs.GitHubToken),
    comment,
    failOnRegression,
    failOnIncomplete,
    checkName,
    reportId,
    template,
    cacheModels,
    resultsPath
  };
}

const TOOL_NAME = "node-llama-cpp";
function prebuiltBinaryPackages(platform, arch, options = {}) {
  const cuda = (os) => options.nvidia ? [`@node-llama-cpp/${os}-x64-cuda`, `@node-llama-cpp/${os}-x64-cuda-ext`] : [];
  if (platform === "darwin") {
    if (arch === "arm64") return ["@node-llama-cpp/mac-arm64-metal"];
    if (arch === "x64") return ["@node-llama-cpp/mac-x64"];
  }
  if (platform === "linux") {
    if (arch === "x64") return ["@node-llama-cpp/linux-x64", ...cuda("linux")];
    if (arch === "arm64") return ["@node-llama-cpp/linux-arm64"];
    if (arch === "arm") return ["@node-llama-cpp/linux-armv7l"];
    if (arch === "riscv64") return ["@node-llama-cpp/linux-riscv64"];
  }
  if (platform === "win32") {
    if (arch === "x64") return ["@node-llama-cpp/win-x64", ...cuda("win")];
    if (arch === "arm64") return ["@node-llama-cpp/win-arm64"];
  }
  return [];
}
function toolCacheArch(arch, packages) {
  return packages.some((p) => p.endsWith("-cuda")) ? `${arch}-cuda` : arch;
}
function npmInstallArgs(version, packages) {
  return [
    "install",
    "--no-audit",
    "--no-fund",
    "--no-package-lock",
    "--ignore-scripts",
    // node-llama-cpp lists every platform's binaries as optional dependencies; the wanted ones are named below.
    "--omit=optional",
    "--omit=dev",
    `${TOOL_NAME}@${version}`,
    ...packages.map((p) => `${p}@${version}`)
  ];
}
async function importFromDir(dir) {
  const require = createRequire$1(join(dir, "package.json"));
  const entry = require.resolve(TOOL_NAME);
  return await import(pathToFileURL(entry).href);
}
async function resolveNodeLlamaCpp(r) {
  let besideError;
  try {
    return await r.importBeside();
  } catch (error) {
    besideError = error;
  }
  const packages = prebuiltBinaryPackages(r.platform, r.arch, { nvidia: r.nvidia });
  if (packages.length === 0) {
    throw new Error(
      `node-llama-cpp is not installed beside the action (${getErrorMessage(besideError)}) and has no prebuilt binaries for ${r.platform}-${r.arch}; use the ollama or openai engine on this runner`
    );
  }
  const arch = toolCacheArch(r.arch, packages);
  const cached = r.toolCache.find(TOOL_NAME, r.version, arch);
  if (cached) {
    r.log(`Using node-llama-cpp ${r.version} from the tool cache: ${cached}`);
    return importFromDir(cached);
  }
  r.log(
    `node-llama-cpp is not beside the action (${getErrorMessage(besideError)}); installing ${r.version} with ${packages.join(", ")} into the tool cache.`
  );
  const base = r.tempDir ?? tmpdir();
  await mkdir(base, { recursive: true });
  const dir = await mkdtemp(join(base, "llm-bench-node-llama-cpp-"));
  await writeFile(
    join(dir, "package.json"),
    `${JSON.stringify({ name: "llm-bench-node-llama-cpp", private: true, type: "module" }, null, 2)}
`
  );
  try {
    await r.install(dir, npmInstallArgs(r.version, packages), r.log);
  } catch (error) {
    throw new Error(`installing node-llama-cpp ${r.version} failed: ${getErrorMessage(error)}`);
  }
  if (!existsSync(join(dir, "node_modules", TOOL_NAME, "package.json"))) {
    throw new Error(`installing node-llama-cpp ${r.version} left no node_modules/${TOOL_NAME} in ${dir}`);
  }
  const installed = await r.toolCache.cacheDir(dir, TOOL_NAME, r.version, arch);
  r.log(`Installed node-llama-cpp ${r.version} into ${installed}`);
  return importFromDir(installed);
}
function npmCommand(execPath = process.execPath) {
  const candidates = [
    join(dirname(execPath), "..", "lib", "node_modules", "npm", "bin", "npm-cli.js"),
    join(dirname(execPath), "node_modules", "npm", "bin", "npm-cli.js")
  ];
  const cli = candidates.find((file) => existsSync(file));
  if (cli) return { command: execPath, prefixArgs: [cli] };
  return { command: process.platform === "win32" ? "npm.cmd" : "npm", prefixArgs: [] };
}
const npmInstaller = async (dir, args) => {
  const { exec } = await import('./chunks/exec.js').then(function (n) { return n.a; });
  const npm = npmCommand();
  const code = await exec(npm.command, [...npm.prefixArgs, ...args], { cwd: dir, ignoreReturnCode: true });
  if (code !== 0) throw new Error(`npm ${args.join(" ")} exited with code ${code}`);
};
function hasNvidiaDriver(platform = process.platform) {
  if (platform === "linux") return existsSync("/proc/driver/nvidia/version");
  if (platform === "win32")
    return existsSync(join(process.env.SystemRoot ?? "C:\\Windows", "System32", "nvidia-smi.exe"));
  return false;
}
function lazyNodeLlamaCpp(resolver) {
  let loading;
  return () => {
    loading ??= resolver().then(resolveNodeLlamaCpp);
    loading.catch(() => loading = void 0);
    return loading;
  };
}

const HISTORY_MIN_RUNS = 3;
function isABResults(results) {
  return results.cases.some((c) => c.side !== void 0);
}
function headSideOnly(results) {
  if (!isABResults(results)) return results;
  return {
    ...results,
    cases: results.cases.filter((c) => c.side === "head").map(({ side: _side, ...rest }) => rest),
    notes: [...results.notes, "head side of an A/B run"]
  };
}
async function labelVerdict(results, settings, options) {
  const label = results.runner.label;
  if (isABResults(results)) {
    options.log.info(`Runner "${label}": comparing the base and head sides of this A/B run.`);
    return compareAB(results, settings, { now: options.now, file: options.file });
  }
  let stored = [];
  try {
    stored = options.store ? await options.store.load(label) : [];
  } catch (error) {
    if (httpStatus(error) === void 0) throw error;
    throw apiFailure(
      `reading the ${options.store.kind} baseline store for runner "${label}"`,
      error,
      options.store.kind === "branch" ? "contents: read" : "actions: read"
    );
  }
  const baselines = stored.map((b) => b.runner.label === label ? b : { ...b, runner: { ...b.runner, label } });
  if (baselines.length >= HISTORY_MIN_RUNS) {
    options.log.info(`Runner "${label}": comparing with ${baselines.length} stored runs (history).`);
    return compareWithHistory(baselines, results, settings, {
      now: options.now,
      minRuns: HISTORY_MIN_RUNS,
      files: { head: options.file }
    });
  }
  const base = newest(baselines);
  options.log.info(
    base ? `Runner "${label}": comparing with the stored run of ${base.started_at}.` : `Runner "${label}": no stored baseline yet.`
  );
  return compareResults([{ label, base, head: results, headFile: options.file }], settings, { now: options.now });
}
function newest(runs) {
  if (runs.length === 0) return null;
  return runs.reduce((a, b) => b.started_at > a.started_at ? b : a);
}

async function renderReports(verdict, opts) {
  const dir = templatesDir();
  const links = { ...opts.runUrl ? { run: opts.runUrl, results: `${opts.runUrl}#artifacts` } : {} };
  const commentTemplate = opts.template ? await loadTemplateFile(opts.template) : await loadTemplate("comment", dir);
  const templates = {
    comment: commentTemplate,
    summary: await loadTemplate("summary", dir),
    check: await loadTemplate("check", dir)
  };
  return renderAllReports(verdict, { templates, reportId: opts.reportId, links });
}
async function publishVerdict(opts) {
  const { verdict, context, client, log } = opts;
  const reports = await renderReports(verdict, {
    template: opts.template,
    reportId: opts.reportId,
    runUrl: context.runId ? context.runUrl : void 0
  });
  await writeFileAtomic(opts.reportPath, reports.comment);
  log.info(`Wrote the report to ${opts.reportPath}: ${reportTitle(verdict)}`);
  const summary = await writeJobSummary(reports.summary, context.stepSummaryPath, log);
  log.info(summary.message);
  let readOnly = false;
  let hinted = false;
  const refused = (message) => {
    readOnly = true;
    if (!hinted) log.warning(message);
    else log.info(`${message.split(". ")[0]}.`);
    hinted = true;
  };
  let commentUrl;
  if (!client) {
    log.warning(
      "No 'github-token': the check run and the pull request comment were skipped; the job summary has the report."
    );
  } else {
    try {
      const check = await publishCheckRun(client, {
        name: opts.checkName,
        headSha: opts.headSha,
        verdict,
        summary: reports.check,
        ...context.runId ? { detailsUrl: context.runUrl } : {},
        failOnRegression: opts.failOnRegression,
        failOnIncomplete: opts.failOnIncomplete,
        log
      });
      if (check.status === "read-only") refused(check.message);
      else log.info(`${check.message}${check.url ? `: ${check.url}` : ""}`);
    } catch (error) {
      log.warning(`Could not create the "${opts.checkName}" check run on ${opts.headSha}: ${getErrorMessage(error)}`);
    }
    if (opts.pullNumber === void 0) {
      log.info(`No pull request for this ${context.eventName || "run"}: no comment written.`);
    } else {
      try {
        const comment = await postStickyComment(client, {
          issueNumber: opts.pullNumber,
          reportId: opts.reportId,
          body: reports.comment,
          mode: opts.comment,
          verdict,
          log
        });
        if (comment.status === "read-only") refused(comment.message);
        else log.info(comment.message);
        commentUrl = comment.url;
      } catch (error) {
        log.warning(
          `Could not write the report comment on pull request #${opts.pullNumber}: ${getErrorMessage(error)}`
        );
      }
    }
  }
  return {
    reportPath: opts.reportPath,
    commentUrl,
    regressions: gatedFailures(verdict),
    readOnly,
    summaryWritten: summary.written
  };
}

function artifactWorkflow(context) {
  const run = context.payload.workflow_run;
  if (context.workflowRun) {
    if (typeof run?.workflow_id === "number") return String(run.workflow_id);
    if (typeof run?.path === "string") return run.path.split("/").pop();
    return void 0;
  }
  return context.workflowFile;
}
function guardedCacheService(load, available) {
  return async () => {
    if (await available().catch(() => false)) return load();
    const unavailable = async () => {
      throw new Error(
        "the Actions cache service is not available to this job (no ACTIONS_CACHE_URL / ACTIONS_RESULTS_URL)"
      );
    };
    return { restoreCache: unavailable, saveCache: unavailable };
  };
}
async function createStore(inputs, context, deps) {
  const needClient = () => {
    if (!deps.client)
      throw new InputError(
        `'github-token' input is empty: the ${inputs.baseline} baseline store reads through the GitHub API`
      );
    return deps.client;
  };
  switch (inputs.baseline) {
    case "file":
      return createBaselineStore({ kind: "file", path: join(deps.workspace, inputs.baselinePath), log: deps.log });
    case "branch":
      return createBaselineStore({
        kind: "branch",
        client: needClient(),
        branch: inputs.baselineBranch,
        loadLimit: BASELINE_HISTORY_RUNS,
        log: deps.log
      });
    case "cache":
      return createBaselineStore({
        kind: "cache",
        service: await deps.cacheService(),
        // Relative on purpose: the cache version hashes the path, and the workspace differs between machines.
        dir: BASELINE_CACHE_DIR,
        runId: context.runId,
        runAttempt: context.runAttempt,
        log: deps.log
      });
    case "artifact": {
      const workflow = artifactWorkflow(context);
      return createBaselineStore({
        kind: "artifact",
        client: needClient(),
        defaultBranch: context.defaultBranch ?? "main",
        ...workflow !== void 0 ? { workflow } : {},
        currentRunId: context.workflowRun?.id ?? context.runId,
        maxBaselines: 5,
        log: deps.log
      });
    }
  }
}
function shouldSaveBaseline(inputs, context) {
  return inputs.saveBaseline === "true" || inputs.saveBaseline === "auto" && context.isDefaultBranchPush;
}
async function saveBaseline(store, results, log) {
  if (results.status !== "complete") {
    log.warning(`Not saving this run as a baseline: it is ${results.status}, and a baseline must be a complete run.`);
    return;
  }
  try {
    await store.save(results.runner.label, headSideOnly(results));
  } catch (error) {
    log.warning(
      `Could not save the baseline (${store.kind}): ${error instanceof Error ? error.message : String(error)}`
    );
  }
}

function repositoryPath(configFile, workspace) {
  const rel = relative(resolve(workspace), resolve(workspace, configFile));
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return void 0;
  return rel.split(sep).join("/");
}
async function readBaseConfig(input) {
  const pr = input.context.pullRequest;
  if (!pr)
    return {
      kind: "unavailable",
      reason: `not a pull request (${input.context.eventName || "no event"}): there is no base to run beside the head`
    };
  if (!input.client) return { kind: "unavailable", reason: "no 'github-token' to read the base branch's config" };
  const path = repositoryPath(input.configFile, input.workspace);
  if (!path)
    return {
      kind: "unavailable",
      reason: `the config ${input.configFile} is outside the workspace, so the base branch's version cannot be read`
    };
  const ref = pr.baseSha || pr.baseRef;
  if (!ref) return { kind: "unavailable", reason: "the pull request event names no base commit" };
  const refName = pr.baseRef || ref.slice(0, 12);
  let config;
  try {
    config = await readConfigAtRef(input.client, path, ref);
  } catch (error) {
    if (error instanceof InputError) return { kind: "absent", ref, refName, path, invalid: getErrorMessage(error) };
    throw apiFailure(`reading ${path} at the base ${refName} (${ref.slice(0, 12)})`, error, "contents: read");
  }
  return config ? { kind: "found", config, ref, refName, path } : { kind: "absent", ref, refName, path };
}
function judgingSettings(head, base) {
  if (base.kind === "found") return gatesForPullRequest(base.config.config, head);
  if (base.kind === "absent") {
    const settings = gatesForPullRequest(null, head, `the base ${base.refName}`);
    if (base.invalid)
      settings.gateChanges = [
        `the base ${base.refName}'s ${base.path} is invalid (${base.invalid}): this pull request's own gates applied`
      ];
    return settings;
  }
  return compareSettings(head);
}
function chooseStrategy(input) {
  const { strategy, base, log } = input;
  if (strategy === "baseline") return { kind: "baseline", reason: "strategy: baseline" };
  const fallback = (reason) => {
    if (strategy === "ab") log.warning(`strategy: ab \u2014 ${reason}; comparing with the stored baseline instead.`);
    return {
      kind: "baseline",
      reason: `strategy ${strategy} could not run A/B: ${reason}; compared with the stored baseline instead`
    };
  };
  if (base.kind === "unavailable") return fallback(base.reason);
  if (base.kind === "absent") {
    return fallback(
      base.invalid ? `${base.path} on the base ${base.refName} is invalid: ${base.invalid}` : `${base.path} does not exist on the base ${base.refName}: nothing to A/B against`
    );
  }
  log.info(
    `A/B: the base config is ${base.path} at ${base.refName} (${base.ref.slice(0, 12)}); base and head run interleaved on this runner.`
  );
  if (base.config.text === input.head.text) {
    log.info(
      "The base and head configs are identical: the A/B run measures what else this pull request changes on the runner, if anything."
    );
  }
  return {
    kind: "ab",
    base: { ...base.config.config, dir: input.head.dir, text: base.config.text },
    ref: base.ref,
    reason: `the base branch has ${base.path}`
  };
}

function defaultMainDeps(env = process.env) {
  return {
    env,
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    now: () => /* @__PURE__ */ new Date(),
    cacheService: defaultCacheService,
    cacheAvailable: async () => (await import('./chunks/cache.js')).isFeatureAvailable(),
    artifactUploader: defaultArtifactUploader,
    importNodeLlamaCpp: () => import('node-llama-cpp'),
    installNodeLlamaCpp: npmInstaller,
    toolCache: () => import('./chunks/tool-cache.js')
  };
}
async function runMain(overrides = {}) {
  const deps = { ...defaultMainDeps(overrides.env), ...overrides };
  try {
    const inputs = parseInputs((name) => getInput(name));
    const context = readActionContext(deps.env);
    const retryBase = Number(deps.env.LLM_BENCH_GITHUB_RETRY_BASE_MS);
    const client = inputs.githubToken ? createGitHubClient(inputs.githubToken, context.repo, {
      baseUrl: context.apiUrl,
      // LLM_BENCH_GITHUB_RETRY_BASE_MS shortens the backoff (and the write pacing) for tests against a local API.
      retry: {
        log: (line) => actionLogger.info(line),
        ...retryBase > 0 ? { baseMs: retryBase, pace: retryBase >= 1e3 } : {}
      }
    }) : void 0;
    const verdict = inputs.mode === "report" ? await reportStep(inputs, context, client, deps) : await benchmarkStep(inputs, context, client, deps);
    const failure = verdict ? stepFailure(verdict, inputs) : void 0;
    if (failure) setFailed(failure);
  } catch (error) {
    setFailed(getErrorMessage(error));
  }
}
function stepFailure(verdict, inputs) {
  if (verdict.status === "regression" && inputs.failOnRegression && inputs.mode !== "run")
    return `llm-bench: ${reportTitle(verdict)}`;
  if (verdict.incomplete && inputs.failOnIncomplete) {
    const what = verdict.incomplete.cancelled ? "cancelled before it finished" : "incomplete";
    return `llm-bench: the run was ${what}, so it is not a pass: ${verdict.incomplete.reasons.join("; ")}`;
  }
  return void 0;
}
function withIncomplete(verdict, reason) {
  const reasons = [...verdict.incomplete?.reasons ?? [], reason];
  return {
    ...verdict,
    status: verdict.status === "regression" ? "regression" : "incomplete",
    incomplete: { cancelled: verdict.incomplete?.cancelled ?? false, reasons }
  };
}
function withNote(verdict, note) {
  return note ? { ...verdict, notes: [...verdict.notes, note] } : verdict;
}
async function benchmarkStep(inputs, context, client, deps) {
  const log = actionLogger;
  const configFile = resolve(deps.workspace, inputs.config);
  const resultsPath = resolve(deps.workspace, inputs.resultsPath);
  startGroup("llm-bench: prepare");
  let head;
  let base;
  let choice;
  let sides;
  const cacheDir = deps.env.LLM_BENCH_CACHE_DIR || llamaCppModelDir({ configDir: deps.workspace, env: deps.env, homeDir: homedir() });
  try {
    head = await loadConfig(configFile);
    base = await readBaseConfig({ context, client, configFile: inputs.config, workspace: deps.workspace });
    choice = chooseStrategy({ strategy: inputs.strategy, head, base, log });
    if (choice.kind === "baseline") log.info(`Strategy: baseline (${choice.reason}).`);
    const configs = choice.kind === "ab" ? [choice.base, head] : [head];
    sides = choice.kind === "ab" ? [
      { side: "base", config: choice.base },
      { side: "head", config: head }
    ] : [{ config: head }];
    await prepareModels(configs, inputs, cacheDir, deps, log);
  } finally {
    endGroup();
  }
  startGroup("llm-bench: benchmark");
  let results;
  try {
    const nodeLlamaCpp = lazyNodeLlamaCpp(async () => ({
      importBeside: deps.importNodeLlamaCpp,
      version: NODE_LLAMA_CPP_VERSION,
      platform: process.platform,
      arch: process.arch,
      nvidia: hasNvidiaDriver(),
      toolCache: await deps.toolCache(),
      install: deps.installNodeLlamaCpp,
      tempDir: deps.env.RUNNER_TEMP,
      log: (line) => actionLogger.info(line)
    }));
    results = await untilInterrupted(
      () => log.warning("Cancelled: stopping after the current request; everything measured so far is kept."),
      (signal) => runSession(
        sides,
        {
          out: resultsPath,
          cacheDir,
          ...inputs.runnerLabel ? { label: inputs.runnerLabel } : {},
          git: { ...context.sha ? { sha: context.sha } : {}, ...context.ref ? { ref: context.ref } : {} },
          ...choice.kind === "ab" ? {
            baseGit: {
              sha: choice.ref,
              ...context.pullRequest?.baseRef ? { ref: context.pullRequest.baseRef } : {}
            }
          } : {},
          signal
        },
        { env: deps.env, log: (line) => actionLogger.info(line), tty: false, importNodeLlamaCpp: nodeLlamaCpp }
      )
    );
  } finally {
    endGroup();
  }
  saveState(State.BenchmarkFinished, "true");
  setOutput(Outputs.ResultsPath, resultsPath);
  const errors = results.cases.reduce((n, c) => n + c.errors.length, 0);
  log.info(
    `Wrote ${resultsPath}: ${results.cases.length} case(s) on runner "${results.runner.label}", ${errors} error(s), ${results.status}.`
  );
  const uploader = await deps.artifactUploader().catch((error) => {
    log.warning(`Could not load the artifact client: ${getErrorMessage(error)}`);
    return void 0;
  });
  if (uploader) {
    const upload = await uploadResultsArtifact(uploader, {
      label: results.runner.label,
      files: [resultsPath],
      rootDirectory: dirname(resultsPath),
      log
    });
    if (upload.status === "uploaded") log.info(upload.message);
    if (upload.status === "conflict") {
      throw new InputError(
        `runner label "${results.runner.label}" is used by two jobs of this workflow run: this job (${deps.env.GITHUB_JOB ?? "job"} on runner "${deps.env.RUNNER_NAME ?? "unknown"}") and the job that already uploaded ${upload.name}. Give each matrix job its own 'runner-label' (e.g. runner-label: \${{ matrix.runner }}). ${upload.message}`
      );
    }
  }
  const settings = judgingSettings(head, base);
  for (const change of settings.gateChanges ?? []) log.info(`Gates: ${change}.`);
  const strategyNote = choice.kind === "baseline" && inputs.strategy !== "baseline" && context.pullRequest ? choice.reason : void 0;
  const storeDeps = {
    client,
    cacheService: guardedCacheService(deps.cacheService, deps.cacheAvailable),
    workspace: deps.workspace,
    log
  };
  const save = shouldSaveBaseline(inputs, context);
  if (inputs.mode === "run") {
    const verdict = withNote(
      await labelVerdict(results, settings, { store: void 0, now: deps.now(), file: resultsPath, log }),
      strategyNote
    );
    await writeRunSummary(verdict, inputs, context, log);
    if (save) await saveBaseline(await createStore(inputs, context, storeDeps), results, log);
    return verdict;
  }
  startGroup("llm-bench: compare and report");
  try {
    const store = choice.kind === "baseline" || save ? await createStore(inputs, context, storeDeps) : void 0;
    const verdict = withNote(
      await labelVerdict(results, settings, {
        store: choice.kind === "baseline" ? store : void 0,
        now: deps.now(),
        file: resultsPath,
        log
      }),
      strategyNote
    );
    if (save && store) await saveBaseline(store, results, log);
    await publish(verdict, inputs, context, client, context.pullRequest?.number, deps.workspace, log);
    return verdict;
  } finally {
    endGroup();
  }
}
async function reportStep(inputs, context, client, deps) {
  const log = actionLogger;
  if (!client)
    throw new InputError(
      "'github-token' input is empty: mode report downloads the results artifacts through the GitHub API"
    );
  const runId = context.workflowRun?.id ?? context.runId;
  if (!runId) throw new InputError("GITHUB_RUN_ID is not set: mode report runs inside GitHub Actions");
  startGroup("llm-bench: gather results");
  let downloaded;
  const expired = [];
  try {
    downloaded = await downloadRunResults(client, runId, log, expired).catch((error) => {
      if (httpStatus(error) === void 0) throw error;
      throw apiFailure(`downloading the results artifacts of workflow run ${runId}`, error, "actions: read");
    });
    for (const d of downloaded)
      log.info(
        `${d.artifactName}: runner "${d.results.runner.label}", ${d.results.cases.length} case(s), ${d.results.status}.`
      );
  } finally {
    endGroup();
  }
  if (downloaded.length === 0) {
    throw new Error(
      `no llm-bench-results-* artifacts in workflow run ${runId}: run llm-bench with 'mode: run' in the benchmark jobs and list them under 'needs:' of this job`
    );
  }
  const byLabel = /* @__PURE__ */ new Map();
  for (const d of downloaded) {
    const other = byLabel.get(d.results.runner.label);
    if (other) {
      throw new InputError(
        `two results for runner label "${d.results.runner.label}" (${other.artifactName} and ${d.artifactName}): give each matrix job its own 'runner-label'`
      );
    }
    byLabel.set(d.results.runner.label, d);
  }
  startGroup("llm-bench: compare and report");
  try {
    const settings = await reportSettings(inputs, context, client, deps.workspace, log);
    const needsStore = downloaded.some((d) => !d.results.cases.some((c) => c.side));
    const cacheService = guardedCacheService(deps.cacheService, deps.cacheAvailable);
    const store = needsStore ? await createStore(inputs, context, { client, cacheService, workspace: deps.workspace, log }) : void 0;
    const verdicts = [];
    for (const d of byLabel.values())
      verdicts.push(await labelVerdict(d.results, settings, { store, now: deps.now(), file: d.file, log }));
    const merged = mergeVerdicts(verdicts, deps.now());
    const verdict = expired.length === 0 ? merged : withIncomplete(
      merged,
      `results of ${expired.join(", ")} expired before this report: those runners were not judged`
    );
    const pullNumber = await findPullNumber(context, client, downloaded, log);
    await publish(verdict, inputs, context, client, pullNumber, deps.workspace, log);
    return verdict;
  } finally {
    endGroup();
  }
}
async function prepareModels(configs, inputs, cacheDir, deps, log) {
  const ollamaConfig = configs.find((c) => c.engine === "ollama");
  const ollama = ollamaConfig !== void 0;
  const host = ollamaConfig ? normalizeOllamaHost(ollamaConfig.host ?? deps.env.OLLAMA_HOST) : void 0;
  const answering = host ? await ollamaAnswers(host) : false;
  if (host) log.info(answering ? `An Ollama server answers at ${host}.` : `No Ollama server answers at ${host}.`);
  let modelsDir;
  if (inputs.cacheModels) {
    const decision = planModelCache(configs, {
      env: deps.env,
      homeDir: homedir(),
      currentUser: currentUser(),
      platform: process.platform,
      arch: process.arch,
      downloadDir: cacheDir,
      // A server this step starts reads the cached directory; only a running one can read another.
      ...ollama && answering ? { ollamaServer: await detectOllamaServer() } : {}
    });
    if (decision.kind === "skip") {
      log.info(`Model cache: ${decision.reason}.`);
    } else if (!await deps.cacheAvailable().catch(() => false)) {
      log.warning(
        "The Actions cache service is not available to this job (no ACTIONS_CACHE_URL / ACTIONS_RESULTS_URL): models are not cached."
      );
    } else {
      if (decision.warning) log.warning(decision.warning);
      log.info(`Model cache: ${decision.note}.`);
      const service = await deps.cacheService();
      const plan = await restoreModelCache(service, decision.plan, log);
      saveState(State.ModelCache, JSON.stringify(plan));
      modelsDir = plan.paths[0];
    }
  }
  if (host && !answering) {
    const binary = findOnPath("ollama", deps.env);
    if (!binary) {
      log.info(
        "No ollama binary on the PATH either: start the server on this runner (ollama serve, or the ollama service)."
      );
      return;
    }
    try {
      const started = await startOllamaServe({
        binary,
        host,
        modelsDir: modelsDir ?? deps.env.OLLAMA_MODELS ?? resolve(homedir(), ".ollama", "models"),
        env: deps.env,
        logFile: resolve(
          deps.env.RUNNER_TEMP || dirname(resolve(deps.workspace, inputs.resultsPath)),
          "llm-bench-ollama.log"
        ),
        log: (line) => log.info(line)
      });
      saveState(State.OllamaPid, String(started.pid));
    } catch (error) {
      log.warning(getErrorMessage(error));
    }
  }
}
function currentUser() {
  try {
    return userInfo().username;
  } catch {
    return void 0;
  }
}
async function reportSettings(inputs, context, client, workspace, log) {
  const head = await reportConfig(inputs, context, client, workspace, log);
  const base = await readBaseConfig({ context, client, configFile: inputs.config, workspace });
  if (base.kind === "unavailable") return compareSettings(head);
  if (!head)
    return base.kind === "found" ? { ...compareSettings(base.config.config), gatesFrom: "base" } : compareSettings(void 0);
  const settings = judgingSettings(head, base);
  for (const change of settings.gateChanges ?? []) log.info(`Gates: ${change}.`);
  return settings;
}
async function reportConfig(inputs, context, client, workspace, log) {
  const file = resolve(workspace, inputs.config);
  if (existsSync(file)) return loadConfig(file);
  const path = repositoryPath(inputs.config, workspace);
  if (path && context.headSha) {
    try {
      const atHead = await readConfigAtRef(client, path, context.headSha);
      if (atHead) {
        log.info(`${inputs.config} is not checked out here: using its gates at ${context.headSha.slice(0, 12)}.`);
        return { ...atHead.config, dir: workspace, text: atHead.text };
      }
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw apiFailure(`reading ${path} at ${context.headSha.slice(0, 12)}`, error, "contents: read");
    }
  }
  log.warning(
    `${inputs.config} was not found: comparing with the default settings (alpha 0.05, min_effect 3%, default gates).`
  );
  return void 0;
}
async function findPullNumber(context, client, downloaded, log) {
  if (context.pullRequest) return context.pullRequest.number;
  const run = context.workflowRun;
  if (run) {
    if (run.pullRequestNumbers[0] !== void 0) return run.pullRequestNumbers[0];
    if (run.event === "pull_request" && run.headBranch && run.headRepoFullName) {
      try {
        const found = await client.findOpenPullRequest(run.headRepoFullName.split("/")[0], run.headBranch);
        if (found !== void 0) return found;
      } catch (error) {
        log.warning(
          `Could not look up the pull request of ${run.headRepoFullName}:${run.headBranch}: ${getErrorMessage(error)}`
        );
      }
    }
  }
  for (const d of downloaded) {
    const n = pullNumberFromRef(d.results.git?.ref);
    if (n !== void 0) return n;
  }
  return void 0;
}
async function publish(verdict, inputs, context, client, pullNumber, workspace, log) {
  const published = await publishVerdict({
    verdict,
    context,
    client,
    pullNumber,
    headSha: context.headSha,
    checkName: inputs.checkName,
    reportId: inputs.reportId,
    comment: inputs.comment,
    failOnRegression: inputs.failOnRegression,
    failOnIncomplete: inputs.failOnIncomplete,
    template: inputs.template ? resolve(workspace, inputs.template) : void 0,
    // Beside the results: llm-bench-results.json → llm-bench-results.md.
    reportPath: resolve(workspace, inputs.resultsPath).replace(/\.json$/i, ".md"),
    log
  });
  setOutput(Outputs.Status, verdict.status);
  setOutput(Outputs.Regressions, String(published.regressions));
  setOutput(Outputs.ReportPath, published.reportPath);
  setOutput(Outputs.CommentUrl, published.commentUrl ?? "");
}
async function writeRunSummary(verdict, inputs, context, log) {
  const reports = await renderReports(verdict, {
    reportId: inputs.reportId,
    runUrl: context.runId ? context.runUrl : void 0
  });
  const intro = verdict.strategy === "ab" ? "" : `**llm-bench** measured runner ${verdict.runs.map((r) => `**${escapeMarkdown(r.label)}**`).join(", ")} (mode: run). The job with \`mode: report\` compares these results with the baseline and writes the comment and the check.

`;
  const summary = await writeJobSummary(intro + reports.summary, context.stepSummaryPath, log);
  log.info(`${summary.message}. The report job compares every runner's results and writes the comment and the check.`);
  if (verdict.strategy === "ab") {
    setOutput(Outputs.Status, verdict.status);
    setOutput(Outputs.Regressions, String(gatedFailures(verdict)));
  }
}

await runMain();
