#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""report.py RESULTS — turns RESULTS/figures.jsonl (written by lib/benchlib.py) and meta.json into
RESULTS/report.json and RESULTS/report.md: every figure with min/median/max and its ratio to the
baseline measured in the same run, and the targets of issue 8 as met / not met."""
import json
import os
import sys

GROUPS = [
    ("start-runc", "Start latency, end to end, runc: `/bin/true` from a rootfs until the exit code"),
    ("start-crun", "Start latency, end to end, crun: `/bin/true` from a rootfs until the exit code"),
    ("detached", "Detached start (runc): call until the container's init runs"),
    ("throughput", "Start throughput (runc)"),
    ("scale-start", "Scale: starting the containers"),
    ("scale", "Scale: processes"),
    ("scale-mem", "Scale: memory (conmand for conman; all conmon processes for podman)"),
    ("scale-ps", "Scale: listing"),
    ("scale-inspect", "Scale: inspect"),
    ("scale-restart", "Scale: conmand restart to ready (`systemctl restart conmand` until `conmanctl ps` answers)"),
    ("pull-image", "Image pull: the image"),
    ("pull", "Image pull from a local registry into an empty store, unpacked"),
    ("push", "Image push of the pull image into an empty local registry"),
    ("pod", "Pods (runc, --network none): from nothing to a pod with 2 sleeping containers running"),
    ("pod-density", "Pods: what a pod costs beyond its containers (podman: conmon + infra container)"),
    ("net", "Network (runc, `run --rm` of `/bin/true`): what the default network costs, against `--network none`"),
    ("start-floor", "Start path against issue 17's floor: the runtime in the foreground under `systemd-run --wait`"),
    ("net-throughput", "Network throughput: detached starts of a sleeping container, several at a time"),
    ("cri", "CRI (crictl, one pod of one busybox `sleep 3600`): runp + create + start + stopp + rmp, conman-cri vs containerd"),
    ("cri-steps", "CRI: each crictl step of the round (median over the rounds)"),
    ("cri-density", "CRI: running pods, processes besides the containers' own and their memory (containerd: shim + pause)"),
    ("cri-server", "CRI: the servers' RSS with the running pods"),
]


def med(figs, fid):
    f = figs.get(fid)
    return f["median"] if f and f.get("median") is not None else None


def ratio_target(figs, name, num, den, op, limit, show):
    a, b = med(figs, num), med(figs, den)
    if a is None or b is None or b == 0:
        return {"target": name, "measured": "not measured", "status": "not measured"}
    r = a / b
    ok = r <= limit if op == "<=" else r >= limit
    return {"target": name, "measured": show % (r, a, b), "value": r, "status": "met" if ok else "not met"}


def value_target(figs, name, fid, limit, unit, note=""):
    v = med(figs, fid)
    if v is None:
        return {"target": name, "measured": "not measured", "status": "not measured"}
    ok = v < limit if limit is not None else round(v, 3) == 0
    return {"target": name, "measured": "%.4g %s%s" % (v, unit, note), "value": v,
            "status": "met" if ok else "not met"}


def targets(figs):
    t = []
    for rt in ("runc", "crun"):
        t.append(ratio_target(figs, "`conmanctl run --rm` <= 1.25x the systemd-run --wait + %s floor" % rt,
                              "start.%s.conman" % rt, "start.%s.floor" % rt, "<=", 1.25,
                              "%.2fx (%.1f ms vs %.1f ms)"))
    for rt in ("runc", "crun"):
        t.append(ratio_target(figs, "`conmanctl run --rm` >= 3x faster than `podman run --rm` (%s)" % rt,
                              "start.%s.podman" % rt, "start.%s.conman" % rt, ">=", 3.0,
                              "%.2fx (podman %.1f ms vs %.1f ms)"))
    n = med(figs, "scale.conman.count")
    at = " (at %d containers)" % n if n is not None else ""
    t.append(value_target(figs, "zero processes per running container besides its own",
                          "scale.conman.procs", None, "per container", at))
    t.append(value_target(figs, "conmand RSS < 30 MB with 1,000 containers", "scale.conman.rss", 30, "MiB", at))
    t.append(value_target(figs, "`ps` with 1,000 containers < 100 ms", "scale.conman.ps", 100, "ms", at))
    t.append(value_target(figs, "conmand restart to ready with 1,000 containers < 1 s", "scale.restart", 1000,
                          "ms", at))
    t.append(ratio_target(figs, "pull within 1.2x of skopeo + umoci", "pull.conman", "pull.tools", "<=", 1.2,
                          "%.2fx (%.0f ms vs %.0f ms)"))
    t.append(ratio_target(figs, "push within 1.2x of skopeo copy", "push.conman", "push.tools", "<=", 1.2,
                          "%.2fx (%.0f ms vs %.0f ms)"))
    if n is not None and n < 1000:
        for x in t[5:8]:
            if x["status"] != "not measured":
                x["status"] += " (quick: fewer containers)"
    return t


def net_targets(figs):
    """Issue 17's targets: the default network nearly free, 3x podman at its fastest, the start path."""
    t = [ratio_target(figs, "`conmanctl run --rm` on conman0 <= 1.25x `--network none`", "net.native", "net.none",
                      "<=", 1.25, "%.2fx (%.1f ms vs %.1f ms)")]
    podman = [f for f in ("net.podman.default", "net.podman.netavark") if med(figs, f) is not None]
    fastest = min(podman, key=lambda f: med(figs, f)) if podman else "net.podman.default"
    t.append(ratio_target(figs, "`conmanctl run --rm` on conman0 >= 3x faster than `podman run --rm` on its default "
                          "network (its fastest backend)", fastest, "net.native", ">=", 3.0,
                          "%.2fx (podman %.1f ms vs %.1f ms)"))
    # throughput is a rate (higher is better): none's rate within 1.25x of conman0's
    t.append(ratio_target(figs, "detached starts on conman0, several at a time: throughput within 1.25x of "
                          "`--network none`", "net.batch.none", "net.batch.native", "<=", 1.25,
                          "%.2fx (%.1f/s vs %.1f/s)"))
    for rt in ("runc", "crun"):
        t.append(ratio_target(figs, "`conmanctl run --rm --network none` <= 1.25x `systemd-run --wait` + %s run "
                              "(foreground floor)" % rt, "net.fgconman.%s" % rt, "net.fgfloor.%s" % rt, "<=", 1.25,
                              "%.2fx (%.1f ms vs %.1f ms)"))
    return t


def fmt(v):
    if v is None:
        return "–"
    return "%.3g" % v if abs(v) < 100 else "%.0f" % v


def ratio(figs, f):
    b = figs.get(f.get("baseline") or "")
    if not b or f.get("median") is None or not b.get("median"):
        return "–"
    if b["id"] == f["id"]:
        return "1 (baseline)"
    return "%.2fx" % (f["median"] / b["median"])


def markdown(meta, figs, order, tgts, results):
    out = []
    w = out.append
    w("# conman-systemd benchmarks%s" % (" (quick mode)" if meta.get("quick") else ""))
    w("")
    w("%s, commit `%s`, %s CPUs (%s), %s GiB, kernel %s; %s; runc %s; crun %s; %s. Took %s s. "
      "Load average at start %s, at end %s." % (
          meta.get("date"), meta.get("commit"), meta.get("cpus"), meta.get("cpu"), meta.get("mem_gib"),
          meta.get("kernel"), meta.get("systemd"), meta.get("runc", "").split()[-1],
          meta.get("crun", "").split()[-1], meta.get("podman"), meta.get("seconds"),
          " ".join(meta.get("load_start", [])), " ".join(meta.get("load_end", []))))
    w("")
    w("Everything ran inside one throwaway systemd (systemd-nspawn, tests/harness/machine.sh) on a 2-core "
      "machine that other engineers' test machines share: expect noise, compare ratios (each measured "
      "in this same run) rather than absolute numbers. Timings are wall clock of the client call; "
      "min / median / max over the runs; ratio = median / median of the baseline row.")
    if meta.get("broken"):
        w("")
        w("**Could not run:** %s" % ", ".join(meta["broken"]))
    w("")
    w("## Targets (issue 8)")
    w("")
    w("| target | measured | status |")
    w("| --- | --- | --- |")
    for t in tgts:
        w("| %s | %s | **%s** |" % (t["target"], t["measured"], t["status"]))
    net = net_targets(figs)
    if any(t["status"] != "not measured" for t in net):
        w("")
        w("## Targets (issue 17)")
        w("")
        w("| target | measured | status |")
        w("| --- | --- | --- |")
        for t in net:
            w("| %s | %s | **%s** |" % (t["target"], t["measured"], t["status"]))
    for gid, title in GROUPS + [(g, g) for g in sorted({figs[i]["group"] for i in order}) if
                                g not in dict(GROUPS)]:
        rows = [figs[i] for i in order if figs[i]["group"] == gid]
        if not rows:
            continue
        w("")
        w("## %s" % title)
        w("")
        w("| what | unit | median | min | max | runs | failed | ratio to baseline |")
        w("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for f in rows:
            if f.get("why"):
                w("| %s | | not measured: %s | | | | | |" % (f["label"], f["why"]))
                continue
            w("| %s | %s | %s | %s | %s | %d | %s | %s |" % (
                f["label"], f["unit"], fmt(f["median"]), fmt(f["min"]), fmt(f["max"]), f["n"],
                f.get("failed", 0) or "", ratio(figs, f)))
    fails = [f for f in (figs[i] for i in order) if f.get("failures")]
    if fails:
        w("")
        w("## Failed runs (first messages)")
        w("")
        for f in fails:
            w("- `%s` (%d failed): %s" % (f["id"], f["failed"], "; ".join(
                "`%s`" % m.replace("`", "'").replace("\n", " ")[:160] for m in f["failures"][:3])))
    for name in sorted(os.listdir(results)):
        if name.startswith("procs-") and name.endswith(".txt"):
            w("")
            w("## Processes added outside containers, %s (by command name, after minus before)" % name[6:-4])
            w("")
            w("```")
            w(open(os.path.join(results, name)).read().strip() or "(none)")
            w("```")
    for name in sorted(os.listdir(results)):
        if name.startswith("profile-") and name.endswith(".txt"):
            w("")
            w("## Profile: %s" % name[8:-4])
            w("")
            w("```")
            w(open(os.path.join(results, name)).read().strip())
            w("```")
    return "\n".join(out) + "\n"


def main():
    results = sys.argv[1]
    meta = json.load(open(os.path.join(results, "meta.json")))
    figs, order = {}, []
    for line in open(os.path.join(results, "figures.jsonl")):
        if line.strip():
            f = json.loads(line)
            if f["id"] not in figs:
                order.append(f["id"])
            figs[f["id"]] = f
    tgts = targets(figs)
    with open(os.path.join(results, "report.json"), "w") as fp:
        json.dump({"meta": meta, "targets": tgts, "targets_net": net_targets(figs), "figures": [figs[i] for i in order]}, fp, indent=1)
    with open(os.path.join(results, "report.md"), "w") as fp:
        fp.write(markdown(meta, figs, order, tgts, results))


if __name__ == "__main__":
    main()
