#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""check-cli-table.py docs/cli.md — the table of docker's verbs and run flags says the truth about conmanctl:
a row marked done names a conmanctl verb that answers --help (or a flag `conmanctl run --help` lists), and a
row not done names nothing conmanctl has. Prints one line per lie and exits 1 if there is one."""
import re
import subprocess
import sys


def main():
    text = open(sys.argv[1]).read()
    verbs = set(subprocess.run(["conmanctl", "__verbs"], capture_output=True, text=True).stdout.splitlines())
    run_help = subprocess.run(["conmanctl", "run", "--help"], capture_output=True, text=True).stdout
    flags = set(re.findall(r"(--[a-z0-9-]+)", run_help))
    lies, rows = [], 0
    for m in re.finditer(r"^\| `docker ([a-z -]+)` \| (?:`conmanctl ([a-z -]+)`)? *\| ([^|]+) \|$", text, re.M):
        rows += 1
        docker, ours, status = m.group(1), m.group(2), m.group(3).strip()
        if status == "done":
            if not ours or (ours not in verbs and not any(v.startswith(ours + " ") for v in verbs)):
                lies.append("docker %s: done, but conmanctl has no verb '%s'" % (docker, ours))
            continue
        words = docker.split()
        names = {docker} | ({" ".join(words[1:])} if words[0] in ("container", "image") else set())
        if names & verbs:
            lies.append("docker %s: '%s', but conmanctl has %s" % (docker, status, sorted(names & verbs)))
    for m in re.finditer(r"^\| `(--[a-z0-9-]+)` \| [^|]* \| ([^|]+) \|$", text, re.M):
        rows += 1
        flag, status = m.group(1), m.group(2).strip()
        if (status == "done") != (flag in flags):
            lies.append("run %s: '%s', but conmanctl run --help %s it" %
                        (flag, status, "lists" if flag in flags else "does not list"))
    print("check-cli-table: %d rows, %d wrong" % (rows, len(lies)))
    for line in lies:
        print("  " + line)
    return 1 if lies or rows < 150 else 0


if __name__ == "__main__":
    sys.exit(main())
