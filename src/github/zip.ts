// Reads the zip archives GitHub serves for artifacts (stored or deflated entries), so no unzip dependency is needed.
import { inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  data: Buffer;
}

const EOCD = 0x06054b50;
const ZIP64_EOCD = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE), as zip stores it; node's zlib.crc32 only exists from Node 20.15. */
export function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

class ZipError extends Error {
  constructor(message: string) {
    super(`not a readable zip archive: ${message}`);
    this.name = 'ZipError';
  }
}

function findEndOfCentralDirectory(buf: Buffer): number {
  // The record is 22 bytes plus a comment of at most 65,535 bytes, at the very end.
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) return i;
  }
  throw new ZipError('no end-of-central-directory record');
}

function need(buf: Buffer, offset: number, length: number, what: string): void {
  if (offset < 0 || offset + length > buf.length) throw new ZipError(`${what} lies outside the file`);
}

/**
 * Every file entry of a zip archive, decompressed and CRC-checked. Reads the central directory, so
 * archives written as streams (sizes in data descriptors, as @actions/artifact's archiver writes
 * them) work. Entries larger than `maxEntryBytes` are refused rather than inflated.
 */
export function readZip(archive: Uint8Array, options: { maxEntryBytes?: number } = {}): ZipEntry[] {
  const buf = Buffer.isBuffer(archive) ? archive : Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
  const maxEntryBytes = options.maxEntryBytes ?? 256 * 1024 * 1024;
  if (buf.length < 22) throw new ZipError('too short');
  const eocd = findEndOfCentralDirectory(buf);
  let count = buf.readUInt16LE(eocd + 10);
  let cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) {
    const locator = eocd - 20;
    need(buf, locator, 20, 'zip64 locator');
    if (buf.readUInt32LE(locator) !== ZIP64_LOCATOR) throw new ZipError('zip64 locator missing');
    const zip64 = Number(buf.readBigUInt64LE(locator + 8));
    need(buf, zip64, 56, 'zip64 end record');
    if (buf.readUInt32LE(zip64) !== ZIP64_EOCD) throw new ZipError('zip64 end record missing');
    count = Number(buf.readBigUInt64LE(zip64 + 32));
    cdOffset = Number(buf.readBigUInt64LE(zip64 + 48));
  }

  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    need(buf, p, 46, 'central directory');
    if (buf.readUInt32LE(p) !== CENTRAL) throw new ZipError(`central directory entry ${i} has a bad signature`);
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    let compressedSize = buf.readUInt32LE(p + 20);
    let size = buf.readUInt32LE(p + 24);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    let localOffset = buf.readUInt32LE(p + 42);
    need(buf, p + 46, nameLength + extraLength, 'entry name');
    const name = buf.toString('utf8', p + 46, p + 46 + nameLength);
    // Zip64 sizes and offset live in extra field 0x0001, in this order, only for fields set to 0xffffffff.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = buf.readUInt16LE(e);
      const len = buf.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (size === 0xffffffff) (size = Number(buf.readBigUInt64LE(q))), (q += 8);
        if (compressedSize === 0xffffffff) (compressedSize = Number(buf.readBigUInt64LE(q))), (q += 8);
        if (localOffset === 0xffffffff) localOffset = Number(buf.readBigUInt64LE(q));
      }
      e += 4 + len;
    }
    p = extraEnd + commentLength;

    if (name.endsWith('/')) continue;
    if (flags & 1) throw new ZipError(`${name} is encrypted`);
    if (size > maxEntryBytes) throw new ZipError(`${name} is ${size} bytes, over the ${maxEntryBytes}-byte limit`);
    need(buf, localOffset, 30, `${name} local header`);
    if (buf.readUInt32LE(localOffset) !== LOCAL) throw new ZipError(`${name} local header has a bad signature`);
    const dataStart = localOffset + 30 + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28);
    need(buf, dataStart, compressedSize, `${name} data`);
    const raw = buf.subarray(dataStart, dataStart + compressedSize);
    let data: Buffer;
    if (method === 0) data = Buffer.from(raw);
    else if (method === 8) {
      try {
        data = inflateRawSync(raw, { maxOutputLength: Math.max(1, size) });
      } catch (error) {
        throw new ZipError(`${name} does not inflate: ${(error as Error).message}`);
      }
    } else throw new ZipError(`${name} uses compression method ${method}; only stored (0) and deflate (8) are supported`);
    if (data.length !== size) throw new ZipError(`${name} is ${data.length} bytes, the directory says ${size}`);
    if (crc32(data) !== crc) throw new ZipError(`${name} fails its CRC check`);
    entries.push({ name, data });
  }
  return entries;
}
