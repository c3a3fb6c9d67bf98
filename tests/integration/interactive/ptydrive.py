#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Drives a command on a real pseudo-terminal, like a person at a keyboard would.

Usage: ptydrive.py [--rows R] [--cols C] -- CMD [ARGS...]  with a script on stdin, one step a line:
  send TEXT        types TEXT (Python escapes: \\r, \\x10 ...)
  expect REGEX     waits (10 s) until the output so far matches REGEX (bytes, DOTALL); consumes it
  resize R C       resizes the terminal (the command gets SIGWINCH from the kernel)
  sleep SECONDS
  eof              waits for the command to exit; ptydrive then exits with its exit code
All output is echoed to stderr for the test log. A failed expect exits 200."""
import argparse
import codecs
import fcntl
import os
import pty
import re
import select
import struct
import sys
import termios
import time


def set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


class Session:
    def __init__(self, argv, rows, cols):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvp(argv[0], argv)
        set_size(self.fd, rows, cols)
        self.buf = b""

    def read_some(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return True
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            return False
        if not data:
            return False
        sys.stderr.write(data.decode(errors="replace"))
        sys.stderr.flush()
        self.buf += data
        return True

    def expect(self, pattern, timeout=10):
        rx = re.compile(pattern.encode(), re.DOTALL)
        end = time.time() + timeout
        while True:
            m = rx.search(self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return
            if time.time() > end or not self.read_some(min(0.2, max(0, end - time.time()))):
                m = rx.search(self.buf)
                if m:
                    self.buf = self.buf[m.end():]
                    return
                sys.stderr.write("\nptydrive: expected %r, got %r\n" % (pattern, self.buf[-500:]))
                os._exit(200)

    def wait_exit(self, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                while self.read_some(0.1):
                    pass
                return os.waitstatus_to_exitcode(status)
            self.read_some(0.1)
        sys.stderr.write("\nptydrive: the command did not exit\n")
        os._exit(201)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=24)
    ap.add_argument("--cols", type=int, default=80)
    ap.add_argument("argv", nargs="+")
    a = ap.parse_args()
    steps = sys.stdin.read().splitlines()
    if not steps:
        sys.exit("ptydrive: no steps on stdin")
    s = Session(a.argv, a.rows, a.cols)
    for line in steps:
        if not line.strip() or line.startswith("#"):
            continue
        verb, _, arg = line.partition(" ")
        if verb == "send":
            os.write(s.fd, codecs.decode(arg, "unicode_escape").encode("latin-1"))
        elif verb == "expect":
            s.expect(arg)
        elif verb == "resize":
            rows, cols = arg.split()
            set_size(s.fd, int(rows), int(cols))
        elif verb == "sleep":
            time.sleep(float(arg))
        elif verb == "eof":
            code = s.wait_exit()
            sys.stderr.write("\nptydrive: exit %d\n" % code)
            sys.exit(code)
        else:
            sys.exit("ptydrive: unknown step " + verb)
    os.kill(s.pid, 9)
    s.wait_exit()


if __name__ == "__main__":
    main()
