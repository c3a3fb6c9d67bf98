#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Renders the default seccomp profile (default.seccomp, conman's own line format) for each architecture family.

Keeps only the rules whose "includes"/"excludes" arches fit the architecture, drops syscall names that no
ABI of that architecture has (per the kernel's unistd headers), and turns "archMap" into the OCI
"architectures" list. Capability and kernel-version conditions stay: conmand resolves them at run time
against each container's capability set (seccomp.c), as docker does.

The profile is read into docker's JSON structure (what seccomp.c composes from, and what
--security-opt seccomp=PROFILE.json files are written in).

usage: render.py default.seccomp OUTPUT.c INCLUDEDIR
  writes a C file with one string constant per architecture (seccomp_profile_x86_64, ..._aarch64).
"""
import json
import os
import re
import sys

# machine → (docker's GOARCH name, its SCMP arch, headers that list the syscalls of its ABIs)
ARCHES = {
    "x86_64": ("amd64", "SCMP_ARCH_X86_64",
               ["x86_64-linux-gnu/asm/unistd_64.h", "x86_64-linux-gnu/asm/unistd_32.h",
                "x86_64-linux-gnu/asm/unistd_x32.h"]),
    "aarch64": ("arm64", "SCMP_ARCH_AARCH64", ["asm-generic/unistd.h"]),
}
NR = re.compile(r"^#define\s+__NR(?:3264)?_(\w+)\s", re.M)


ERRNOS = {"EPERM": 1, "ENOSYS": 38, "EACCES": 13, "EINVAL": 22}
ACTIONS = {"allow": "SCMP_ACT_ALLOW", "errno": "SCMP_ACT_ERRNO", "log": "SCMP_ACT_LOG", "kill": "SCMP_ACT_KILL"}
OPS = {"eq": "SCMP_CMP_EQ", "ne": "SCMP_CMP_NE", "lt": "SCMP_CMP_LT", "le": "SCMP_CMP_LE", "gt": "SCMP_CMP_GT",
       "ge": "SCMP_CMP_GE", "masked_eq": "SCMP_CMP_MASKED_EQ"}
GOARCH = {"x86_64": "amd64", "aarch64": "arm64"}


class ProfileError(Exception):
    pass


def logical_lines(text):
    """Yields (line number, text) with comments stripped and backslash continuations joined."""
    buf, start = "", 0
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].rstrip()
        if not buf:
            start = n
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        buf += line
        if buf.strip():
            yield start, buf.split()
        buf = ""
    if buf.strip():
        yield start, buf.split()


def parse_action(words, n):
    """ACTION [errno NAME|NUMBER] → (SCMP action, errno or None, words left)."""
    if not words or words[0] not in ACTIONS:
        raise ProfileError("line %d: unknown action %r" % (n, words[0] if words else ""))
    action, rest, errno = ACTIONS[words[0]], words[1:], None
    if words[0] == "errno":
        if not rest:
            raise ProfileError("line %d: errno needs a value" % n)
        errno = ERRNOS.get(rest[0]) or int(rest[0], 0)
        rest = rest[1:]
    return action, errno, rest


def parse_condition(word, rule, n):
    neg = word.startswith("!")
    key, _, value = word.lstrip("!").partition("=")
    side = rule.setdefault("excludes" if neg else "includes", {})
    if key == "cap":
        side.setdefault("caps", []).append("CAP_" + value)
    elif key == "arch":
        side.setdefault("arches", []).extend(value.split(","))
    elif key == "kernel>" and not neg:
        side["minKernel"] = value
    elif key == "arg" and not neg:
        f = value.split(":")
        if len(f) not in (3, 4) or f[1] not in OPS:
            raise ProfileError("line %d: bad argument condition %r" % (n, word))
        rule.setdefault("args", []).append({"index": int(f[0]), "op": OPS[f[1]], "value": int(f[2], 0),
                                            **({"valueTwo": int(f[3], 0)} if len(f) == 4 else {})})
    else:
        raise ProfileError("line %d: unknown condition %r" % (n, word))


def parse_profile(text):
    """Returns the profile as docker's JSON structure: defaultAction, defaultErrnoRet, archMap, syscalls."""
    profile = {"archMap": [], "syscalls": []}
    for n, words in logical_lines(text):
        if words[0] == "default":
            action, errno, rest = parse_action(words[1:], n)
            if rest:
                raise ProfileError("line %d: unexpected %r" % (n, rest[0]))
            profile["defaultAction"] = action
            if errno is not None:
                profile["defaultErrnoRet"] = errno
        elif words[0] == "arches":
            profile["archMap"].append({"architecture": words[1], "subArchitectures": words[2:]})
        else:
            action, errno, rest = parse_action(words, n)
            names, conds = rest, []
            if ";" in rest:
                i = rest.index(";")
                names, conds = rest[:i], rest[i + 1:]
            if not names:
                raise ProfileError("line %d: no system call named" % n)
            rule = {"names": names, "action": action}
            if errno is not None:
                rule["errnoRet"] = errno
            for c in conds:
                parse_condition(c, rule, n)
            profile["syscalls"].append(rule)
    if "defaultAction" not in profile:
        raise ProfileError("no 'default' line")
    return profile


def syscall_names(includedir, headers):
    names = set()
    for h in headers:
        with open(os.path.join(includedir, h)) as f:
            names.update(NR.findall(f.read()))
    names.discard("syscalls")
    names.discard("arch_specific_syscall")
    return names


def fits(rule, goarch):
    inc = rule.get("includes") or {}
    exc = rule.get("excludes") or {}
    if inc.get("arches") and goarch not in inc["arches"]:
        return False
    if exc.get("arches") and goarch in exc["arches"]:
        return False
    return True


def render(profile, machine, includedir):
    goarch, scmp, headers = ARCHES[machine]
    known = syscall_names(includedir, headers)
    out = {"defaultAction": profile["defaultAction"]}
    if "defaultErrnoRet" in profile:
        out["defaultErrnoRet"] = profile["defaultErrnoRet"]
    for a in profile.get("archMap", []):
        if a["architecture"] == scmp:
            out["architectures"] = [scmp] + a.get("subArchitectures", [])
    rules = []
    for rule in profile["syscalls"]:
        if not fits(rule, goarch):
            continue
        names = [n for n in rule["names"] if n in known]
        if not names:
            continue
        r = {"names": names, "action": rule["action"]}
        for key in ("errnoRet", "args"):
            if rule.get(key) not in (None, []):
                r[key] = rule[key]
        for key in ("includes", "excludes"):
            cond = {k: v for k, v in (rule.get(key) or {}).items() if k != "arches" and v}
            if cond:
                r[key] = cond
        rules.append(r)
    out["syscalls"] = rules
    return out


def c_string(s):
    return "\n".join('        "%s"' % line.replace("\\", "\\\\").replace('"', '\\"')
                     for line in s.splitlines())


def main():
    src, dst, includedir = sys.argv[1:4]
    with open(src) as f:
        try:
            profile = parse_profile(f.read())
        except ProfileError as e:
            sys.exit("%s: %s" % (src, e))
    parts = ["/* Generated by conman-systemd/shared/seccomp/render.py from default.seccomp (derived from moby's profile,"
             " Apache-2.0). */",
             '#include "seccomp.h"', ""]
    for machine in ARCHES:
        text = json.dumps(render(profile, machine, includedir), indent=1, sort_keys=True)
        parts.append("const char seccomp_profile_%s[] =\n%s;\n" % (machine, c_string(text)))
    with open(dst, "w") as f:
        f.write("\n".join(parts))


if __name__ == "__main__":
    main()
