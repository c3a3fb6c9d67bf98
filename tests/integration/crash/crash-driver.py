#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""crash-driver.py — a seeded, reproducible container workload with kill -9 of conmand at
random points, daemon-reexec/daemon-reload of PID 1 in between, and a consistency check.

  crash-driver.py workload --seed N --ops N --kills N --rootfs DIR [--clients N]
  crash-driver.py check [--settle SECONDS]     (exit 0 = consistent; prints every finding)
  crash-driver.py load --seconds N --clients N --rootfs DIR --seed N

Runs as root inside the test machine. The operation sequence and the moments of the kills
(which operation, and how many milliseconds into it) come from the seed; what conmand was
doing at that instant varies with timing, which is the point. Every command has a timeout:
a hanging client is a finding (a deadlock), not a stuck test.
"""
import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time

STATE = "/var/lib/conman"
RUN = "/run/conman"
RUNTIMES = ("runc", "crun")
CMD_TIMEOUT = 45
ID_RE = re.compile(r"^[0-9a-f]{64}$")


def sh(*argv, timeout=CMD_TIMEOUT, check=False):
    """Runs argv; returns (rc, stdout, stderr). rc 124 = timed out."""
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, errors="replace")
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        return 124, (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or ""), \
            "timeout"


def prop(unit, name):
    return sh("systemctl", "show", "-P", name, unit)[1].strip()


def conmand_pid():
    try:
        return int(prop("conmand.service", "MainPID") or 0)
    except ValueError:
        return 0


def conmand_up(timeout=30):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if sh("conmanctl", "version", timeout=10)[0] == 0:
            return True
        time.sleep(0.1)
    return False


def kill_conmand():
    pid = conmand_pid()
    if pid <= 0:
        return False
    try:
        os.kill(pid, signal.SIGKILL)
        return True
    except ProcessLookupError:
        return False


class Workload:
    """The operation mix. Names come from a small pool so operations collide often."""

    def __init__(self, rng, rootfs, names, use_exec):
        self.rng, self.rootfs, self.names, self.use_exec = rng, rootfs, names, use_exec

    def pick(self):
        rng, n = self.rng, self.rng.choice(self.names)
        ops = [
            (14, ["conmanctl", "create", "--name", n, "--rootfs", self.rootfs, "/bin/sleep", "1000"]),
            (12, ["conmanctl", "run", "-d", "--name", n, "--rootfs", self.rootfs, "/bin/sleep", "1000"]),
            (5, ["conmanctl", "run", "-d", "--name", n, "--rootfs", self.rootfs, "/bin/sh", "-c",
                 "sleep 0.%d; exit %d" % (rng.randrange(10), rng.randrange(4))]),
            (4, ["conmanctl", "run", "-d", "--rm", "--name", n, "--rootfs", self.rootfs, "/bin/sh", "-c",
                 "sleep 0.%d" % rng.randrange(10)]),
            (3, ["conmanctl", "run", "-d", "--restart", "on-failure:2", "--name", n, "--rootfs", self.rootfs,
                 "/bin/sh", "-c", "sleep 0.2; exit 1"]),
            (12, ["conmanctl", "start", n]),
            (10, ["conmanctl", "stop", "-t", "1", n]),
            (4, ["conmanctl", "restart", "-t", "1", n]),
            (5, ["conmanctl", "kill", "-s", rng.choice(["TERM", "KILL", "HUP"]), n]),
            (12, ["conmanctl", "rm", "-f", n]),
            (3, ["conmanctl", "rm", n]),
            (4, ["conmanctl", "inspect", n]),
            (3, ["conmanctl", "ps", "-a"]),
        ]
        if self.use_exec:
            ops.append((6, ["conmanctl", "exec", n, "/bin/sh", "-c", "echo exec-ok"]))
        total = sum(w for w, _ in ops)
        x = rng.randrange(total)
        for w, argv in ops:
            if x < w:
                return argv
            x -= w
        return ops[-1][1]


def exec_available(rootfs):
    """conmanctl exec exists and works on a running container (the TTY/exec work may not have landed)."""
    if sh("conmanctl", "exec", "--help", timeout=10)[0] != 0:
        return False
    sh("conmanctl", "run", "-d", "--name", "exec-probe", "--rootfs", rootfs, "/bin/sleep", "1000")
    ok = sh("conmanctl", "exec", "exec-probe", "/bin/true", timeout=20)[0] == 0
    sh("conmanctl", "rm", "-f", "exec-probe")
    return ok


def run_op_with_kill(argv, kill_after_ms):
    """Starts argv; after kill_after_ms (None = never) kills conmand while the call may be in flight."""
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace")
    killed = False
    if kill_after_ms is not None:
        try:
            p.wait(timeout=kill_after_ms / 1000.0)
        except subprocess.TimeoutExpired:
            pass
        killed = kill_conmand()
    try:
        out, err = p.communicate(timeout=CMD_TIMEOUT)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        rc = 124
    return rc, out, err, killed


def cmd_workload(a):
    rng = random.Random(a.seed)
    names = ["c%d" % i for i in range(a.names)]
    if not conmand_up():
        print("conmand is not up at the start", file=sys.stderr)
        return 1
    use_exec = exec_available(a.rootfs)
    w = Workload(rng, a.rootfs, names, use_exec)
    # The kill schedule: which operations get one, decided up front from the seed.
    kill_at = set(rng.sample(range(a.ops), min(a.kills, a.ops)))
    reexec_at = {a.ops // 3: "daemon-reexec", (2 * a.ops) // 3: "daemon-reload", a.ops // 2: "daemon-reexec"}
    stats = {"ops": 0, "ok": 0, "failed": 0, "kills": 0, "kills_in_flight": 0, "timeouts": 0, "reexec": 0,
             "reload": 0, "exec": use_exec}
    hangs = []
    start = time.monotonic()
    for i in range(a.ops):
        argv = w.pick()
        kill_ms = rng.randrange(0, 250) if i in kill_at else None
        if i in reexec_at:
            # PID 1 re-executes or reloads while conmand follows its units
            rc = sh("systemctl", reexec_at[i], timeout=60)[0]
            stats["reexec" if reexec_at[i] == "daemon-reexec" else "reload"] += 1
            if rc != 0:
                print("systemctl %s failed (%d)" % (reexec_at[i], rc), file=sys.stderr)
        rc, out, err, killed = run_op_with_kill(argv, kill_ms)
        stats["ops"] += 1
        if killed:
            stats["kills"] += 1
            if rc != 0:
                stats["kills_in_flight"] += 1
        if rc == 124:
            stats["timeouts"] += 1
            hangs.append(" ".join(argv))
        elif rc == 0:
            stats["ok"] += 1
        else:
            stats["failed"] += 1
        if a.verbose:
            print("%4d kill=%s rc=%d %s %s" % (i, kill_ms, rc, " ".join(argv), (err or "").strip()[:160]))
        if killed and rng.random() < 0.3:
            # sometimes let conmand come back before the next call, sometimes hit it while it starts
            conmand_up()
    stats["seconds"] = round(time.monotonic() - start, 1)
    print("workload: " + json.dumps(stats, sort_keys=True))
    for h in hangs:
        print("hang: " + h, file=sys.stderr)
    return 0 if not hangs else 1


# ---------------------------------------------------------------- consistency check

def list_units():
    """All loaded conman-*.service units: name → (ActiveState, SubState)."""
    rc, out, _ = sh("systemctl", "list-units", "--all", "--plain", "--no-legend", "--full", "conman-*.service")
    units = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 4 and f[0].startswith("conman-") and f[0].endswith(".service"):
            units[f[0]] = (f[2], f[3])
    return units


def inspect_all():
    rc, out, err = sh("conmanctl", "ps", "-a", "-q")
    if rc != 0:
        raise RuntimeError("conmanctl ps failed: " + err)
    ids = out.split()
    if not ids:
        return []
    rc, out, err = sh("conmanctl", "inspect", *ids)
    if rc != 0:
        raise RuntimeError("conmanctl inspect failed: " + err)
    return json.loads(out)


def settled(units):
    return all(a not in ("activating", "deactivating", "reloading") for a, _ in units.values())


def check(settle):
    """Waits until no unit is changing, then looks for inconsistencies. A container with a restart
    policy may start cycling again between the wait and the look (seen under load), so findings
    are looked for again until they persist to the end of the settle time."""
    if not conmand_up():
        return ["conmand does not answer"]
    end = time.monotonic() + settle
    while not settled(list_units()) and time.monotonic() < end:
        time.sleep(0.2)
    problems = check_once()
    while problems and time.monotonic() < end:
        time.sleep(0.5)
        problems = check_once()
    return problems


def check_once():
    problems = []
    # two reads of the container list must agree with one read of the units in between
    try:
        containers = inspect_all()
    except (RuntimeError, ValueError) as e:
        return ["cannot list containers: %s" % e]
    units = list_units()
    by_id = {c["Id"]: c for c in containers}
    names = {c["Name"].lstrip("/"): c for c in containers}
    if len(names) != len(containers):
        problems.append("two containers share a name")

    for c in containers:
        cid, name, st = c["Id"], c["Name"].lstrip("/"), c["State"]
        unit = "conman-%s.service" % name
        active, sub = units.get(unit, ("inactive", "dead"))
        status = st["Status"]
        if not ID_RE.match(cid):
            problems.append("%s: malformed id %r" % (name, cid))
        if status == "running":
            if active != "active":
                problems.append("%s: conmand says running, unit is %s/%s" % (name, active, sub))
            elif str(st["Pid"]) != prop(unit, "MainPID"):
                problems.append("%s: Pid %s but MainPID %s" % (name, st["Pid"], prop(unit, "MainPID")))
        elif status in ("created", "exited"):
            if active in ("active", "activating", "deactivating", "reloading"):
                problems.append("%s: conmand says %s, unit is %s/%s" % (name, status, active, sub))
        elif status == "restarting":
            if active not in ("activating", "active") and sub != "auto-restart":
                problems.append("%s: restarting, unit is %s/%s" % (name, active, sub))
        else:
            problems.append("%s: transient state %s after settling (unit %s/%s)" % (name, status, active, sub))
        d = os.path.join(STATE, "containers", cid)
        if not os.path.isdir(d):
            problems.append("%s: listed, but %s is missing" % (name, d))

    for unit, (active, sub) in units.items():
        name = unit[len("conman-"):-len(".service")]
        if name not in names and active not in ("inactive", "failed"):
            problems.append("%s is %s/%s but no container has that name" % (unit, active, sub))
        if name not in names and active == "failed":
            problems.append("%s is a failed unit of no container (leaked)" % unit)

    cdir = os.path.join(STATE, "containers")
    for e in sorted(os.listdir(cdir)):
        p = os.path.join(cdir, e)
        if e.startswith(".new-"):
            problems.append("half-created directory %s" % p)
            continue
        if not ID_RE.match(e):
            problems.append("unexpected entry %s" % p)
            continue
        if e not in by_id:
            problems.append("bundle %s has no container" % p)
        for f in sorted(os.listdir(p)):
            fp = os.path.join(p, f)
            if f.startswith(".#"):
                problems.append("leftover temporary file %s" % fp)
            elif f.endswith(".json"):
                try:
                    with open(fp) as fh:
                        json.load(fh)
                except (ValueError, OSError) as ex:
                    problems.append("%s does not parse: %s" % (fp, ex))
        if not os.path.exists(os.path.join(p, "container.json")):
            problems.append("%s has no container.json" % p)

    running_ids = {c["Id"] for c in containers if units.get("conman-%s.service" % c["Name"].lstrip("/"),
                                                            ("inactive",))[0] in ("active", "activating", "deactivating")}
    for rt in RUNTIMES:
        rd = os.path.join(RUN, rt)
        if not os.path.isdir(rd):
            continue
        for e in os.listdir(rd):
            if e not in running_ids:
                problems.append("runtime state %s/%s without a live unit" % (rd, e))
    if os.path.isdir(RUN):
        for e in os.listdir(RUN):
            if e.endswith(".pid") and e[:-4] not in running_ids:
                problems.append("pid file %s/%s without a live unit" % (RUN, e))

    nstore = int(prop("conmand.service", "NFileDescriptorStore") or 0)
    # stdout+stderr per live container, a few more for TTY/stdin; nothing for the dead ones
    if nstore > 4 * len(running_ids) + 4:
        problems.append("fd store holds %d fds for %d live containers" % (nstore, len(running_ids)))
    pid = conmand_pid()
    try:
        nfd = len(os.listdir("/proc/%d/fd" % pid))
    except OSError:
        nfd = -1
    if nfd > 64 + 8 * len(containers):
        problems.append("conmand has %d open fds for %d containers" % (nfd, len(containers)))
    for line in open("/proc/self/mountinfo"):
        f = line.split()
        if len(f) > 4 and f[4].startswith(STATE + "/containers/"):
            cid = f[4].split("/")[5] if len(f[4].split("/")) > 5 else ""
            if cid not in running_ids:
                problems.append("mount %s of a container that is not running" % f[4])
    print("check: %d containers (%d live), %d units, fd store %d, conmand fds %d, %d problems" %
          (len(containers), len(running_ids), len(units), nstore, nfd, len(problems)))
    return problems


def cmd_check(a):
    problems = check(a.settle)
    for p in problems:
        print("PROBLEM: " + p)
    return 1 if problems else 0


# ---------------------------------------------------------------- concurrent load

def cmd_load(a):
    names = ["l%d" % i for i in range(a.names)]
    deadline = time.monotonic() + a.seconds
    lock = threading.Lock()
    stats = {"ops": 0, "ok": 0, "failed": 0, "timeouts": 0, "malformed": 0}
    bad = []
    # what a failing conmanctl may say: one line, an error a person can read
    good_err = re.compile(r"^[^\n]{3,}\n?$")

    def client(k):
        rng = random.Random(a.seed * 1000 + k)
        w = Workload(rng, a.rootfs, names, False)
        while time.monotonic() < deadline:
            argv = w.pick()
            rc, out, err = sh(*argv, timeout=CMD_TIMEOUT)
            with lock:
                stats["ops"] += 1
                if rc == 124:
                    stats["timeouts"] += 1
                    bad.append("hang: " + " ".join(argv))
                elif rc == 0:
                    stats["ok"] += 1
                else:
                    stats["failed"] += 1
                    if not good_err.match(err or "") or "Remote peer disconnected" in err or \
                            "NoReply" in err or "Connection reset" in err:
                        stats["malformed"] += 1
                        bad.append("rc=%d %s: %r" % (rc, " ".join(argv), err[:300]))
                if rc == 0 and (argv[1] == "create" or (argv[1] == "run" and "-d" in argv)) and \
                        not ID_RE.match(out.strip()):
                    stats["malformed"] += 1
                    bad.append("create/run replied %r" % out[:200])

    threads = [threading.Thread(target=client, args=(k,)) for k in range(a.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(a.seconds + 2 * CMD_TIMEOUT)
    print("load: " + json.dumps(stats, sort_keys=True))
    for b in bad[:40]:
        print("BAD: " + b)
    return 1 if bad or any(t.is_alive() for t in threads) else 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("workload")
    w.add_argument("--seed", type=int, default=1)
    w.add_argument("--ops", type=int, default=300)
    w.add_argument("--kills", type=int, default=60)
    w.add_argument("--names", type=int, default=8)
    w.add_argument("--rootfs", required=True)
    w.add_argument("--verbose", action="store_true")
    c = sub.add_parser("check")
    c.add_argument("--settle", type=float, default=30)
    lo = sub.add_parser("load")
    lo.add_argument("--seed", type=int, default=1)
    lo.add_argument("--seconds", type=float, default=60)
    lo.add_argument("--clients", type=int, default=32)
    lo.add_argument("--names", type=int, default=12)
    lo.add_argument("--rootfs", required=True)
    a = ap.parse_args()
    return {"workload": cmd_workload, "check": cmd_check, "load": cmd_load}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
