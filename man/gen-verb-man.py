#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""gen-verb-man.py CONMANCTL OUTDIR VERSION VERB-PAGE... — writes conmanctl-VERB(1) for every verb and
sub-verb from the verb's own `--help` text, so that a man page never says other than --help. The pages
named on the command line (meson's outputs) must be exactly the verbs `conmanctl __verbs` lists.

A help text is: "Usage:" lines (SYNOPSIS), paragraphs (DESCRIPTION), and items indented by two to six
spaces, "TERM  description" with continuation lines indented further: items whose term starts with '-'
are OPTIONS, the others (a group's sub-verbs) COMMANDS."""
import os
import re
import subprocess
import sys

ITEM = re.compile(r"^ {2,6}(\S.*?)(?: {2,}(\S.*))?$")
CONTINUATION = re.compile(r"^ {8,}(\S.*)$")


def run(conmanctl, *args):
    return subprocess.run([conmanctl, *args], check=True, capture_output=True, text=True).stdout


def esc(text):
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + text if text[:1] in (".", "'") else text


def parse(help_text):
    """Returns (synopsis lines, description paragraphs, options, commands); items are [term, desc]."""
    synopsis, paragraphs, options, commands = [], [[]], [], []
    last = None
    for line in help_text.splitlines():
        if line.startswith("Usage:"):
            synopsis.append(line[len("Usage:"):].strip())
            continue
        if synopsis and line.startswith("       conmanctl"):
            synopsis.append(line.strip())
            continue
        if line.strip() in ("Options:", "Verbs:"):
            continue
        m = CONTINUATION.match(line)
        if m and last is not None:
            last[1] = (last[1] + " " + m.group(1)).strip()
            continue
        m = ITEM.match(line)
        if m:
            last = [m.group(1).strip(), (m.group(2) or "").strip()]
            (options if last[0].startswith("-") else commands).append(last)
            continue
        last = None
        if not line.strip():
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        paragraphs[-1].append(line.strip())
    return synopsis, [p for p in paragraphs if p], options, commands


def summary(conmanctl, path, paragraphs):
    """The verb's line in its parent's help, else the first sentence of its description."""
    words = path.split()
    parent = run(conmanctl, "--help") if len(words) == 1 else run(conmanctl, words[0], "--help")
    for line in parent.splitlines():
        m = ITEM.match(line)
        if m and m.group(2) and m.group(1).split()[0] == words[-1]:
            return m.group(2)
    return paragraphs[0][0].split(". ")[0].rstrip(".") if paragraphs else path


def items(out, entries):
    for term, desc in entries:
        out += [".TP", "\\fB" + esc(term) + "\\fR", esc(desc)]


def page(conmanctl, path, version):
    help_text = run(conmanctl, *path.split(), "--help")
    synopsis, paragraphs, options, commands = parse(help_text)
    name = "conmanctl-" + path.replace(" ", "-")
    out = ['.TH "%s" 1 "" "conman-systemd %s" "User Commands"' % (name.upper(), version),
           ".\\\" Generated from 'conmanctl %s --help' by man/gen-verb-man.py: edit the help text." % path,
           ".SH NAME", esc(name) + " \\- " + esc(summary(conmanctl, path, paragraphs)), ".SH SYNOPSIS"]
    for i, s in enumerate(synopsis):
        out += ([".br"] if i else []) + [esc(s)]
    if paragraphs:
        out.append(".SH DESCRIPTION")
        for i, p in enumerate(paragraphs):
            out += ([".PP"] if i else []) + [esc(line) for line in p]
    if commands:
        out.append(".SH COMMANDS")
        items(out, commands)
    if not any(re.search(r"(^|\s)--help\b", term) for term, _ in options):
        options.append(["-h, --help", "Show this help (also: conmanctl help %s)" % path])
    out.append(".SH OPTIONS")
    items(out, options)
    out += [".SH EXIT STATUS",
            "0 on success; 125 when conmanctl or conmand failed",
            "(a bad option, no such container, no daemon).",
            "Verbs that run a command (run, start with attach, exec) exit with the command's exit code,",
            "126 when it cannot be executed and 127 when it is not found, as docker's.",
            ".SH SEE ALSO", ".BR conmanctl (1)"]
    return "\n".join(out) + "\n"


def main():
    conmanctl, outdir, version, pages = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    paths = run(conmanctl, "__verbs").split("\n")
    paths = [p for p in paths if p]
    wanted = sorted("conmanctl-%s.1" % p.replace(" ", "-") for p in paths)
    pages = sorted(os.path.basename(p) for p in pages)
    if pages != wanted:
        sys.exit("gen-verb-man: man/meson.build and 'conmanctl __verbs' differ in %s"
                 % sorted(set(pages) ^ set(wanted)))
    for p in paths:
        with open("%s/conmanctl-%s.1" % (outdir, p.replace(" ", "-")), "w") as f:
            f.write(page(conmanctl, p, version))


if __name__ == "__main__":
    main()
