#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""check-man-help.py CONMANCTL MANDIR — every verb and sub-verb of `conmanctl __verbs` has its page
MANDIR/conmanctl-VERB.1, every flag its --help names is in the page and every flag the page names is in
--help (-h and --help, which every verb takes, aside), and no page is left for a verb that is gone."""
import glob
import os
import re
import subprocess
import sys

FLAG = re.compile(r"(?:^|[\s\[(|,=])(--?[A-Za-z][A-Za-z0-9-]*)")
COMMON = {"-h", "--help"}


def flags(text):
    return {m.group(1) for m in FLAG.finditer(text)} - COMMON


def man_text(path):
    with open(path) as f:
        src = f.read()
    lines = [line for line in src.splitlines() if not line.startswith('.\\"')]
    text = "\n".join(line[line.find(" ") + 1:] if line.startswith(".") else line for line in lines)
    text = re.sub(r"\\f[BIRP]", "", text).replace("\\-", "-").replace("\\&", "").replace("\\e", "\\")
    return text


def main():
    conmanctl, mandir = sys.argv[1], sys.argv[2]
    verbs = [v for v in subprocess.run([conmanctl, "__verbs"], check=True, capture_output=True,
                                       text=True).stdout.splitlines() if v]
    failures = []
    pages = set()
    for verb in verbs:
        page = os.path.join(mandir, "conmanctl-%s.1" % verb.replace(" ", "-"))
        pages.add(page)
        if not os.path.exists(page):
            failures.append("%s: no man page %s" % (verb, page))
            continue
        help_text = subprocess.run([conmanctl, *verb.split(), "--help"], check=True, capture_output=True,
                                   text=True).stdout
        in_help, in_man = flags(help_text), flags(man_text(page))
        if in_help - in_man:
            failures.append("%s: --help has %s, its man page not" % (verb, sorted(in_help - in_man)))
        if in_man - in_help:
            failures.append("%s: the man page has %s, --help not" % (verb, sorted(in_man - in_help)))
    for stale in sorted(set(glob.glob(os.path.join(mandir, "conmanctl-*.1"))) - pages):
        failures.append("%s: a man page for no verb" % stale)
    for f in failures:
        print(f)
    print("check-man-help: %d verbs, %d problems" % (len(verbs), len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
