#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""cli-table.py DOCKER_HELP_DIR CONMANCTL > docs/cli.md — the side-by-side table of docker's verbs and run
flags against conmanctl's (issue 18). DOCKER_HELP_DIR holds the --help output of docker 28 (top.txt,
container.txt, image.txt, volume.txt, network.txt, run.txt); a verb or flag is "done" when conmanctl's own
--help has it, else its row says why from NOT_DONE below. tests/integration/84-docker-examples.bats checks
the committed table against conmanctl's --help, so it cannot go stale."""
import re
import subprocess
import sys

# Why a docker verb or run flag is not in conmanctl (yet). "later": planned, not built; else not planned.
NOT_DONE = {
    "build": "not planned: building images is buildah's or docker build's job; `image import`/`load` take the result",
    "search": "not planned: a Docker Hub search API, not a registry one",
    "builder": "not planned (see build)", "checkpoint": "later: CRIU checkpoint/restore",
    "context": "not planned: one host, one daemon", "manifest": "later: manifest lists are pulled, not made",
    "plugin": "not planned: docker's plugin API", "system": "`system df` and `system prune`; `info` and `events` are top-level verbs",
    "trust": "not planned: Notary v1", "config": "not planned: Swarm", "node": "not planned: Swarm",
    "secret": "not planned: Swarm", "service": "not planned: Swarm", "stack": "not planned: Swarm",
    "swarm": "not planned: Swarm", "history": "later", "cp": "later", "diff": "later",
    "volume update": "not planned: cluster volumes only", "network connect": "later: a running container joins one network at start",
    "network disconnect": "later", "network prune": "later",
    "--attach": "later: `run` attaches to all streams, `-d` to none",
    "--blkio-weight-device": "later", "--cgroupns": "later: always private",
    "--cpu-rt-period": "not planned: needs CONFIG_RT_GROUP_SCHED", "--cpu-rt-runtime": "not planned (see --cpu-rt-period)",
    "--device-cgroup-rule": "later", "--disable-content-trust": "not planned: Notary v1",
    "--domainname": "later", "--gpus": "not planned: vendor runtime hooks",
    "--health-start-interval": "later: checks run every --health-interval, also in the start period",
    "--ip6": "later: IPv4 networks only",
    "--ipc": "later: private, or the pod's (`--pod`)", "--isolation": "not planned: Windows only",
    "--kernel-memory": "not planned: deprecated by docker, no cgroup v2 equivalent",
    "--link": "not planned: legacy; names resolve on user networks", "--link-local-ip": "not planned",
    "--log-driver": "not planned: the journal is the log (`logs`, `journalctl -u conman-NAME`)",
    "--log-opt": "not planned (see --log-driver)", "--memory-swappiness": "not planned: no cgroup v2 equivalent",
    "--network-alias": "later", "--oom-kill-disable": "not planned: no cgroup v2 equivalent",
    "--pid": "later: private, or the pod's", "--platform": "later (issue 19)",
    "--pull": "later: missing images are pulled", "--runtime": None, "--sig-proxy": "later: signals are proxied",
    "--storage-opt": "not planned: no quota on the store", "--userns": None,
    "--uts": "later: private, or the pod's", "--volume-driver": "not planned: local volumes only",
    "--volumes-from": "later", "--cidfile": None, "--use-api-socket": "not planned: no docker API socket",
}


def verbs_of(text, section="Commands:"):
    out, inside = [], False
    for line in text.splitlines():
        if line.strip().endswith("Commands:"):
            inside = section in ("*", line.strip())
            continue
        if inside:
            m = re.match(r"^  ([a-z][a-z-]*)\s{2,}(.*)$", line)
            if m:
                out.append((m.group(1), m.group(2)))
            elif not line.strip():
                inside = False
    return out


def flags_of(text):
    out = []
    for line in text.splitlines():
        m = re.match(r"^\s+(?:(-\w), )?(--[a-z0-9-]+)(?: \w+)?\s{2,}(.*)$", line)
        if m:
            out.append((m.group(2), m.group(1), m.group(3)))
    return out


def main():
    d, ctl = sys.argv[1], sys.argv[2]
    read = lambda n: open("%s/%s.txt" % (d, n)).read()
    ours = set(subprocess.run([ctl, "__verbs"], capture_output=True, text=True).stdout.splitlines())
    run_help = subprocess.run([ctl, "run", "--help"], capture_output=True, text=True).stdout
    ours_flags = set(re.findall(r"(--[a-z0-9-]+)", run_help))

    def status(key, have):
        if have:
            return "done"
        why = NOT_DONE.get(key)
        return why or "later"

    print("# conmanctl next to docker 28 (and podman 4.3)\n")
    print("Every docker verb of the container, image, volume and network groups and every flag of `docker run`,")
    print("with conmanctl's status: **done** (the same spelling and meaning), **later** (planned, not built), or")
    print("**not planned** and why. `scripts/cli-table.py` writes this file from docker's `--help` and conmanctl's;")
    print("`tests/integration/84-docker-examples.bats` checks every row against `conmanctl --help`, and runs 40+")
    print("command lines of docker's documentation with `docker` replaced by `conmanctl`")
    print("(`tests/integration/docker-examples/commands.sh`).\n")
    print("Verbs podman has and docker has not: `pod` (conmanctl's pods are slices without an infra process,")
    print("docs/pods.md), `generate` (a `.container` file, docs/generator.md), `healthcheck run` (docs/health.md;")
    print("with `run --health-on-failure`).\n")
    print("## `ps`\n")
    print("`conmanctl ps` lists newest first with docker's columns (PORTS included) and flags: `-a`, `-q`, `-n N`/`--last`,")
    print("`-l`/`--latest`, `--no-trunc`, `--format` (docs/format.md) and `-f`/`--filter KEY=VALUE`, repeatable: values")
    print("of one key are alternatives, different keys must all match. Keys: `id` (prefix), `name` (a regular expression,")
    print("docker's partial match), `status` (created, running, paused, restarting, stopping, exited), `exited` (exit")
    print("code), `label` (`KEY` or `KEY=VALUE`), `ancestor` (image, with or without `docker.io/library/` and")
    print("`:latest`), `network`, `pod` (id prefix or name), `publish` (`PORT[/PROTO]`), `before`/`since` (a container).")
    print("`status` and `exited` imply `-a`, as docker's. Labels, ports and networks come from `ListContainerDetails`.\n")
    print("## `cp`, `diff`, `system`\n")
    print("- `cp [-a] [-L] CONTAINER:SRC DEST` and `cp SRC CONTAINER:DEST` follow docker's rules (a directory goes")
    print("  below an existing destination directory under its own name, `SRC/.` copies what it holds), for running")
    print("  and stopped containers. The container's side resolves inside its root (`openat2` with")
    print("  `RESOLVE_IN_ROOT`: its absolute symlinks and `..` stay in it) and the copy walks with `*at()` calls that")
    print("  never follow a symlink (`shared/copy-tree.c`). A stopped image container's root is an overlay of its")
    print("  directories mounted in a mount namespace of conmanctl's own, read-only to copy out, writable to copy in.")
    print("  Root only. Not done: `-` (a tar stream on stdin/stdout), copying into a running container whose root")
    print("  is not visible on the host.")
    print("- `diff` lists A/C/D against the image's layers from the overlay directories `inspect` names in")
    print("  `GraphDriver`, leaving out `/etc/hosts`, `/etc/hostname` and `/etc/resolv.conf`, which conman writes")
    print("  per start (docker bind-mounts them).")
    print("- `system df` (images and containers), `system prune [-a] [-f] [--volumes]`, `network prune`.\n")
    print("## Verbs\n")
    print("| docker | conmanctl | status |")
    print("| --- | --- | --- |")
    seen = set()
    top = read("top")
    groups = [("", top, "Common Commands:"), ("", top, "Commands:"), ("", top, "Management Commands:"),
              ("", top, "Swarm Commands:"), ("container ", read("container"), "Commands:"),
              ("image ", read("image"), "Commands:"), ("volume ", read("volume"), "Commands:"),
              ("network ", read("network"), "Commands:")]
    for prefix, text, section in groups:
        for v, _ in verbs_of(text, section):
            name = prefix + v
            if name in seen:
                continue
            seen.add(name)
            # conmanctl's spelling: the group's own sub-verb, else docker's top-level synonym
            candidates = [name]
            if prefix:
                candidates.append(v)
            if name == "container ls":
                candidates.append("ps")
            if name == "image ls":
                candidates.append("images")
            if name == "image rm":
                candidates.append("rmi")
            if name in ("container", "image", "volume", "network"):
                have = [name] if any(o.startswith(name + " ") for o in ours) else []
            else:
                have = [c for c in candidates if c in ours]
                if prefix == "container " and v not in ("prune",):
                    have = [c for c in candidates[1:] if c in ours]
            key = name if name in NOT_DONE else v
            print("| `docker %s` | %s | %s |" % (name, "`conmanctl %s`" % have[0] if have else "",
                                                 status(key, bool(have))))
    print("\n## `docker run` flags\n")
    print("| flag | short | status |")
    print("| --- | --- | --- |")
    for flag, short, _ in flags_of(read("run")):
        have = flag in ours_flags
        print("| `%s` | %s | %s |" % (flag, "`%s`" % short if short else "", status(flag, have)))


if __name__ == "__main__":
    main()
