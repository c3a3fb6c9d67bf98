#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""dbus-abuse.py — calls every method of conmand's objects (found by introspection) with
bad arguments: missing, extra, wrong types, huge strings and arrays; and calls on invalid
object paths. Every call must get an error reply (busctl fails) within its timeout.

  dbus-abuse.py [--container-path PATH] [--user NAME]

--user runs every call as that user (setpriv). Prints one line per call that did NOT fail,
and a summary "abuse: N calls, N errors, N unexpected successes, N timeouts".
"""
import argparse
import subprocess
import sys
import xml.etree.ElementTree as ET

DEST = "io.conman1"
HUGE_STRING = 100000   # one argv entry may hold at most 128 KiB
HUGE_ARRAY = 5000


def split_signature(sig):
    """'sasa{sv}' → ['s', 'as', 'a{sv}']"""
    out, i = [], 0

    def one(i):
        c = sig[i]
        if c == "a":
            return one(i + 1)
        if c in "({":
            close = ")" if c == "(" else "}"
            depth, j = 0, i
            while True:
                if sig[j] in "({":
                    depth += 1
                elif sig[j] in ")}":
                    depth -= 1
                    if depth == 0:
                        return j + 1
                j += 1
        return i + 1
    while i < len(sig):
        j = one(i)
        out.append(sig[i:j])
        i = j
    return out


def tokens(t, huge=False):
    """busctl's textual arguments for one value of complete type t (a harmless, invalid value)."""
    if t == "s":
        return ["A" * HUGE_STRING if huge else "nonexistent-xyz"]
    if t == "o":
        return ["/io/conman1/nonexistent"]
    if t == "g":
        return ["s"]
    if t == "b":
        return ["true"]
    if t in "yqnuixt":
        return ["1"]
    if t == "d":
        return ["1.5"]
    if t == "h":
        return None                       # busctl cannot pass fds
    if t == "v":
        return ["s", "A" * HUGE_STRING if huge else "x"]
    if t.startswith("a{"):
        k, v = split_signature(t[2:-1])
        n = HUGE_ARRAY if huge else 1
        out = [str(n)]
        for i in range(n):
            kt = ["Bogus%d" % i] if k == "s" else tokens(k)
            vt = tokens(v)
            if kt is None or vt is None:
                return None
            out += kt + vt
        return out
    if t.startswith("a"):
        e = t[1:]
        n = HUGE_ARRAY if huge else 1
        et = tokens(e)
        return None if et is None else [str(n)] + et * n
    if t.startswith("("):
        out = []
        for m in split_signature(t[1:-1]):
            mt = tokens(m)
            if mt is None:
                return None
            out += mt
        return out
    return None


def wrong_type(t):
    return "u" if t == "s" else "s"


def variants(in_types):
    """(label, signature types, huge position or -1) for every bad call of a method."""
    v = []
    if in_types:
        v.append(("missing-all", [], -1))
        if len(in_types) > 1:
            v.append(("missing-last", in_types[:-1], -1))
    v.append(("extra", in_types + ["s"], -1))
    v.append(("extra-array", in_types + ["as"], -1))
    for i, t in enumerate(in_types):
        v.append(("wrong-type-%d" % i, in_types[:i] + [wrong_type(t)] + in_types[i + 1:], -1))
        if t in ("s", "v") or t.startswith("a"):
            v.append(("huge-%d" % i, in_types, i))
    return v


def introspect(path, user):
    p = run(user, ["busctl", "--system", "--xml-interface", "introspect", DEST, path])
    if p.returncode != 0:
        raise SystemExit("introspection of %s failed: %s" % (path, p.stderr))
    return ET.fromstring(p.stdout)


def run(user, argv, timeout=30):
    if user:
        argv = ["setpriv", "--reuid=" + user, "--regid=" + user, "--clear-groups", "--"] + argv
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, errors="replace")
    except subprocess.TimeoutExpired:
        return None


def call(user, path, iface, method, types, huge_at):
    args = []
    for i, t in enumerate(types):
        tk = tokens(t, huge=(i == huge_at))
        if tk is None:
            return "skipped"
        args += tk
    p = run(user, ["busctl", "--system", "--timeout=20", "call", DEST, path, iface, method, "".join(types)] + args)
    if p is None:
        return "timeout"
    if p.returncode == 0:
        return "success: " + p.stdout.strip()[:200]
    # busctl refusing to build the message locally is not a conmand reply; count it apart
    if "Call failed" not in p.stderr:
        return "local:" + p.stderr.strip()[:200]
    return "error"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--container-path")
    ap.add_argument("--user")
    a = ap.parse_args()
    objects = [("/io/conman1", None)]
    if a.container_path:
        objects.append((a.container_path, "io.conman1.Container"))
    n = errors = bad = timeouts = local = 0
    for path, only in objects:
        root = introspect(path, a.user)
        for iface in root.findall("interface"):
            name = iface.get("name")
            if not name.startswith("io.conman1") or (only and name != only):
                continue
            for m in iface.findall("method"):
                in_types = [arg.get("type") for arg in m.findall("arg") if arg.get("direction", "in") == "in"]
                for label, types, huge_at in variants(in_types):
                    r = call(a.user, path, name, m.get("name"), types, huge_at)
                    if r == "skipped":
                        continue
                    n += 1
                    if r == "error":
                        errors += 1
                    elif r.startswith("local"):
                        local += 1
                        print("LOCAL %s.%s %s(%s): %s" % (name, m.get("name"), label, "".join(types), r))
                    elif r == "timeout":
                        timeouts += 1
                        print("TIMEOUT %s %s.%s %s" % (path, name, m.get("name"), label))
                    else:
                        bad += 1
                        print("NO ERROR %s %s.%s %s(%s): %s" % (path, name, m.get("name"), label, "".join(types), r))
    # calls on object paths that are not there, or not well-formed for conmand
    for path in ["/io/conman1/container/nonexistent", "/io/conman1/container/_2e_2e",
                 "/io/conman1/container/" + "f" * 64, "/io/conman1/container/" + "A" * 4000,
                 "/io/conman1/image/nonexistent", "/io/conman1/nothing", "/io/conman1/container/x/y"]:
        for iface, method, sig, args in [("io.conman1.Container", "Inspect", "", []),
                                         ("io.conman1.Container", "Remove", "b", ["true"]),
                                         ("io.conman1.Container", "Start", "", []),
                                         ("io.conman1.Image", "Remove", "b", ["true"]),
                                         ("org.freedesktop.DBus.Properties", "Set", "ssv",
                                          ["io.conman1.Container", "Name", "s", "evil"])]:
            n += 1
            p = run(a.user, ["busctl", "--system", "--timeout=20", "call", DEST, path, iface, method, sig] + args)
            if p is None:
                timeouts += 1
                print("TIMEOUT %s %s.%s" % (path, iface, method))
            elif p.returncode == 0:
                bad += 1
                print("NO ERROR %s %s.%s: %s" % (path, iface, method, p.stdout.strip()[:200]))
            else:
                errors += 1
    # properties are read-only
    if a.container_path:
        for prop, sig, val in [("Name", "s", "evil"), ("State", "s", "running"), ("ExitCode", "i", "1"),
                               ("Labels", "a{ss}", "1 a b")]:
            n += 1
            p = run(a.user, ["busctl", "--system", "--timeout=20", "call", DEST, a.container_path,
                             "org.freedesktop.DBus.Properties", "Set", "ssv", "io.conman1.Container", prop, sig]
                    + val.split())
            if p is None or p.returncode == 0:
                bad += 1
                print("NO ERROR Set %s" % prop)
            else:
                errors += 1
    print("abuse: %d calls, %d errors, %d refused by busctl itself, %d unexpected successes, %d timeouts" %
          (n, errors, local, bad, timeouts))
    return 1 if bad or timeouts else 0


if __name__ == "__main__":
    sys.exit(main())
