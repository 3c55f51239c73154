// Zip and tar.gz writers on Node's zlib, so a release needs no system archiver. Entries are whole buffers
// (the largest is the ~90 MB executable); times are fixed so the same inputs give the same archive bytes.
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';

/** @typedef {{ name: string; data: Buffer; executable?: boolean }} ArchiveEntry */

function dosDateTime(date) {
  const time = (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2);
  const day = ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate();
  return { time, day };
}

/** A zip (deflate, UTF-8 names) of `entries`; no zip64, so every entry and the whole stay under 4 GiB. */
export function zip(entries, mtime) {
  const { time, day } = dosDateTime(mtime);
  const parts = [];
  const central = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const packed = deflateRawSync(entry.data, { level: 6 });
    const crc = crc32(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: deflate
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(day, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4); // made by: MS-DOS / NTFS attributes
    local.copy(header, 6, 4, 28); // version needed … name length, as in the local header
    header.writeUInt32LE(offset, 42);
    central.push(header, name);
    parts.push(local, name, packed);
    offset += local.length + name.length + packed.length;
  }
  const centralSize = central.reduce((sum, part) => sum + part.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  if (offset + centralSize > 0xffffffff) throw new Error('zip larger than 4 GiB needs zip64');
  return Buffer.concat([...parts, ...central, end]);
}

function tarHeader(entry, mtime) {
  const header = Buffer.alloc(512);
  const name = Buffer.from(entry.name, 'utf8');
  if (name.length > 100) throw new Error(`tar name over 100 bytes: ${entry.name}`);
  const octal = (value, length, at) => header.write(`${value.toString(8).padStart(length - 1, '0')}\0`, at, 'latin1');
  name.copy(header, 0);
  octal(entry.executable ? 0o755 : 0o644, 8, 100);
  octal(0, 8, 108);
  octal(0, 8, 116);
  octal(entry.data.length, 12, 124);
  octal(Math.floor(mtime.getTime() / 1000), 12, 136);
  header.write('        ', 148, 'latin1');
  header.write('0', 156, 'latin1');
  header.write('ustar\x0000', 257, 'latin1');
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  header.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return header;
}

/** A gzip-compressed ustar archive of `entries`. */
export function tarGz(entries, mtime) {
  const parts = [];
  for (const entry of entries) {
    parts.push(tarHeader(entry, mtime), entry.data, Buffer.alloc((512 - (entry.data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(parts), { level: 6 });
}
