#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""benchlib.py — the timer and the figure recorder of the benchmarks (bench/run.sh).

Subcommands (every figure is appended as one JSON line to $BENCH_FIGURES):

  latency  --id ID --label L --group G [--baseline ID] [--runs N] [--warmup W] [--timeout S]
           [--prepare CMD] [--recover CMD] [--attempts A] -- CMD...
      Runs CMD (through no shell; '{i}' in any word becomes the run number, unique across
      warm-up and timed runs) after W warm-up runs until N runs succeeded, and records the wall
      time of each successful run in ms. A run that exits non-zero or exceeds S seconds counts as
      a failure (killed on timeout, then 'recover' is run through sh with {i} replaced); failures
      are recorded beside the figure, never fatal; it gives up after --attempts x N failures. --prepare (through sh) runs before
      every run, untimed.

  batch    --id ID --label L --group G [--baseline ID] --count K [--parallel P] [--rounds R]
           [--timeout S] [--between CMD] [--deadline S] [--latency-id ID --latency-label L --latency-baseline ID] -- CMD...
      Starts K runs of CMD per round ({i} = unique run number), P at a time, and records
      K / wall time (runs per second) per round; --between (through sh) runs after each round,
      untimed; past --deadline seconds no further run is started (counted as skipped). With --latency-id, the single-call latencies of all rounds become a second figure.

  value    --id ID --label L --group G --unit U [--baseline ID] [--better lower|higher] V...
      Records measured values as they are (one or more samples).

  fail     --id ID --label L --group G --why TEXT
      Records that a figure could not be measured, and why.
"""
import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor


def emit(fig):
    path = os.environ.get("BENCH_FIGURES")
    line = json.dumps(fig, sort_keys=True)
    if path:
        with open(path, "a") as f:
            f.write(line + "\n")
    summary = fig.get("median")
    print("bench: %-34s %s" % (fig["id"], "median %.4g %s (n=%d, failed %d)" % (
        summary, fig["unit"], fig["n"], fig.get("failed", 0)) if summary is not None
        else "not measured: %s" % fig.get("why", "")), file=sys.stderr)


def figure(a, unit, samples, better="lower", **extra):
    fig = {"id": a.id, "label": a.label, "group": a.group, "unit": unit, "better": better,
           "baseline": a.baseline, "n": len(samples), "samples": [round(s, 4) for s in samples]}
    if samples:
        fig.update(min=min(samples), median=statistics.median(samples), max=max(samples),
                   mean=statistics.fmean(samples))
    else:
        fig.update(min=None, median=None, max=None, mean=None)
    fig.update(extra)
    return fig


def subst(cmd, i):
    return [w.replace("{i}", str(i)) for w in cmd]


def run_once(cmd, timeout):
    """Returns (ok, seconds, note)."""
    t0 = time.perf_counter()
    try:
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, start_new_session=True)
    except OSError as e:
        return False, 0.0, str(e)
    try:
        _, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, 9)
        p.communicate()
        return False, time.perf_counter() - t0, "timeout after %gs" % timeout
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        return False, dt, "exit %d: %s" % (p.returncode, err.decode(errors="replace").strip()[-200:])
    return True, dt, ""


def sh(cmd, i=0):
    if cmd:
        subprocess.run(["sh", "-c", cmd.replace("{i}", str(i))], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def cmd_latency(a):
    times, failures = [], []
    i = 0
    while len(times) < a.runs and len(failures) < a.runs * a.attempts:
        sh(a.prepare, i)
        ok, dt, note = run_once(subst(a.cmd, i), a.timeout)
        if not ok:
            sh(a.recover, i)
        if i >= a.warmup:
            (times.append(dt * 1000.0) if ok else failures.append(note))
        i += 1
    emit(figure(a, "ms", times, failed=len(failures), failures=failures[:5],
                command=" ".join(shlex.quote(w) for w in a.cmd)))


def cmd_batch(a):
    rates, lat, failures = [], [], []
    lock = threading.Lock()
    seq = [0]

    skipped = [0]
    start = time.perf_counter()

    def one(_):
        with lock:
            if a.deadline and time.perf_counter() - start > a.deadline:
                skipped[0] += 1
                return
            i = seq[0]
            seq[0] += 1
        ok, dt, note = run_once(subst(a.cmd, i), a.timeout)
        with lock:
            (lat.append(dt * 1000.0) if ok else failures.append(note))

    for r in range(a.rounds):
        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=a.parallel) as ex:
            list(ex.map(one, range(a.count)))
        rates.append((a.count - skipped[0]) / (time.perf_counter() - t0))
        sh(a.between, r)
    emit(figure(a, "containers/s", rates, better="higher", failed=len(failures), failures=failures[:5],
                count=a.count, parallel=a.parallel, skipped=skipped[0], command=" ".join(shlex.quote(w) for w in a.cmd)))
    if a.latency_id:
        a.id, a.label, a.baseline = a.latency_id, a.latency_label, a.latency_baseline
        a.group = a.latency_group or a.group
        emit(figure(a, "ms", lat, failed=len(failures), count=a.count, parallel=a.parallel))


def cmd_value(a):
    emit(figure(a, a.unit, [float(v) for v in a.values], better=a.better))


def cmd_fail(a):
    emit(figure(a, "", [], why=a.why, failed=1))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="verb", required=True)
    for name in ("latency", "batch", "value", "fail"):
        s = sub.add_parser(name)
        s.add_argument("--id", required=True)
        s.add_argument("--label", required=True)
        s.add_argument("--group", required=True)
        s.add_argument("--baseline")
        if name in ("latency", "batch"):
            s.add_argument("--timeout", type=float, default=30.0)
            s.add_argument("cmd", nargs="+")
        if name == "latency":
            s.add_argument("--runs", type=int, default=20)
            s.add_argument("--warmup", type=int, default=2)
            s.add_argument("--recover")
            s.add_argument("--attempts", type=int, default=2)
            s.add_argument("--prepare")
        if name == "batch":
            s.add_argument("--count", type=int, required=True)
            s.add_argument("--parallel", type=int, default=1)
            s.add_argument("--rounds", type=int, default=1)
            s.add_argument("--between")
            s.add_argument("--deadline", type=float, default=0.0)
            s.add_argument("--latency-id")
            s.add_argument("--latency-label")
            s.add_argument("--latency-baseline")
            s.add_argument("--latency-group")
        if name == "value":
            s.add_argument("--unit", required=True)
            s.add_argument("--better", default="lower")
            s.add_argument("values", nargs="+")
        if name == "fail":
            s.add_argument("--why", required=True)
    a = p.parse_args()
    {"latency": cmd_latency, "batch": cmd_batch, "value": cmd_value, "fail": cmd_fail}[a.verb](a)


if __name__ == "__main__":
    main()
