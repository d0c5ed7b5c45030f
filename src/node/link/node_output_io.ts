//! Node's file operations for the output writers (link/output_io.ts's `OutputIo`): the
//! real file system, which tests wrap to make a disk fill up or a process die mid-write.

import * as fs from 'node:fs';
import type { FileIdentity, OutputIo, PathKind } from '../../link/output_io.js';
import { errorCode } from '../../link/output_io.js';

function kindOf(st: fs.Stats): PathKind {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isFIFO()) return 'FIFO';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'character device';
  return 'block device';
}

function identityOf(st: fs.BigIntStats): FileIdentity {
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs };
}

export const nodeOutputIo: OutputIo = {
  openSync: (p, flags, mode) => fs.openSync(p, flags, mode),
  readSync: (fd, buf, off, len, pos) => fs.readSync(fd, buf, off, len, pos),
  writeSync: (fd, buf, off, len, pos) => fs.writeSync(fd, buf, off, len, pos),
  ftruncateSync: (fd, len) => fs.ftruncateSync(fd, len),
  fchmodSync: (fd, mode) => fs.fchmodSync(fd, mode),
  fdatasyncSync: (fd) => fs.fdatasyncSync(fd),
  closeSync: (fd) => fs.closeSync(fd),
  renameSync: (from, to) => fs.renameSync(from, to),
  unlinkSync: (p) => fs.unlinkSync(p),
  statSync: (p) => {
    const st = fs.statSync(p, { bigint: true, throwIfNoEntry: false });
    return st ? identityOf(st) : null;
  },
  fstatSync: (fd) => identityOf(fs.fstatSync(fd, { bigint: true })),
  lstatSync: (p) => {
    const st = fs.lstatSync(p, { throwIfNoEntry: false });
    return st ? { kind: kindOf(st), mode: st.mode & 0o7777 } : null;
  },
  readlinkSync: (p) => fs.readlinkSync(p),
  readFileSync: (p) => {
    try {
      return fs.readFileSync(p);
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return null;
      throw err;
    }
  },
  mayWrite: (p) => {
    try {
      fs.accessSync(p, fs.constants.W_OK);
      return true;
    } catch {
      return false;
    }
  },
  privileged: () => process.geteuid?.() === 0,
  processId: () => process.pid,
};
