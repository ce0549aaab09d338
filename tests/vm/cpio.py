#!/usr/bin/env python3
"""cpio.py DIR OUT - pack DIR as a gzipped newc initramfs, owned by root,
with /dev/console and /dev/null added as device nodes (the kernel opens
/dev/console for init before anything can mount devtmpfs), so that packing
needs neither root nor mknod."""
import gzip
import os
import stat
import sys

NODES = [("dev/console", stat.S_IFCHR | 0o600, 5, 1),
         ("dev/null", stat.S_IFCHR | 0o666, 1, 3)]


def entry(out, ino, name, mode, data=b"", rmaj=0, rmin=0, nlink=1):
    name_b = name.encode() + b"\0"
    hdr = "070701" + "".join("%08X" % v for v in (
        ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rmaj, rmin,
        len(name_b), 0))
    out.write(hdr.encode() + name_b)
    out.write(b"\0" * ((4 - (110 + len(name_b)) % 4) % 4))
    out.write(data)
    out.write(b"\0" * ((4 - len(data) % 4) % 4))


def main():
    top, dest = sys.argv[1], sys.argv[2]
    ino = 1
    with open(dest + ".tmp", "wb") as raw, \
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        for d, dirs, files in os.walk(top):
            dirs.sort()
            for n in sorted(dirs) + sorted(files):
                p = os.path.join(d, n)
                rel = os.path.relpath(p, top)
                st = os.lstat(p)
                if stat.S_ISLNK(st.st_mode):
                    data = os.readlink(p).encode()
                elif stat.S_ISREG(st.st_mode):
                    with open(p, "rb") as f:
                        data = f.read()
                else:
                    data = b""
                entry(out, ino, rel, st.st_mode, data,
                      nlink=2 if stat.S_ISDIR(st.st_mode) else 1)
                ino += 1
        for name, mode, maj, mi in NODES:
            entry(out, ino, name, mode, rmaj=maj, rmin=mi)
            ino += 1
        entry(out, 0, "TRAILER!!!", 0)
    os.replace(dest + ".tmp", dest)


if __name__ == "__main__":
    main()
