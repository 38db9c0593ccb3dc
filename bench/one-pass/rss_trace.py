#!/usr/bin/env python3
"""Runs a command and samples its resident memory from /proc every INTERVAL seconds, to show whether
memory plateaus or keeps growing with the input (a maximum alone cannot tell the two apart).

Usage: rss_trace.py [--interval S] [--json OUT] -- COMMAND...
Prints, for each tenth of the run's wall time, the largest RSS seen in it, split into anonymous memory
(heap: SQLite's page cache, buffers) and file-backed pages (the mapped models, ICU's data, the binary),
then the peak of the first and of the second half. Exits with the command's status.
"""
import json
import subprocess
import sys
import time


def sample(pid):
    """(rss, anon, file) in KiB from /proc/PID/status, or None once the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            fields = dict(line.split(":", 1) for line in handle if ":" in line)
    except (FileNotFoundError, ProcessLookupError):
        return None
    kib = lambda name: int(fields.get(name, "0 kB").split()[0])
    return kib("VmRSS"), kib("RssAnon"), kib("RssFile")


def main():
    args = sys.argv[1:]
    interval, out = 1.0, None
    while args and args[0] != "--":
        if args[0] == "--interval":
            interval = float(args[1]); args = args[2:]
        elif args[0] == "--json":
            out = args[1]; args = args[2:]
        else:
            sys.exit(f"rss_trace.py: unknown option {args[0]}")
    command = args[1:]
    if not command:
        sys.exit(__doc__)
    started = time.monotonic()
    process = subprocess.Popen(command)
    samples = []  # (seconds since start, rss, anon, file)
    while process.poll() is None:
        value = sample(process.pid)
        if value and value[0] > 0:
            samples.append((time.monotonic() - started, *value))
        time.sleep(interval)
    seconds = time.monotonic() - started
    if not samples:
        sys.exit(process.returncode)
    tenths = []
    for tenth in range(10):
        window = [s for s in samples if tenth * seconds / 10 <= s[0] < (tenth + 1) * seconds / 10]
        if window:
            peak = max(window, key=lambda s: s[1])
            tenths.append({"tenth": tenth + 1, "rss_mb": peak[1] / 1024, "anon_mb": peak[2] / 1024, "file_mb": peak[3] / 1024})
    first = max((s[1] for s in samples if s[0] < seconds / 2), default=0) / 1024
    second = max((s[1] for s in samples if s[0] >= seconds / 2), default=0) / 1024
    print(f"{'tenth of run':>12} {'max RSS MB':>11} {'anon MB':>8} {'file MB':>8}")
    for row in tenths:
        print(f"{row['tenth']:>12} {row['rss_mb']:>11.1f} {row['anon_mb']:>8.1f} {row['file_mb']:>8.1f}")
    print(f"peak RSS: first half {first:.1f} MB, second half {second:.1f} MB ({seconds:.1f} s, {len(samples)} samples)")
    if out:
        with open(out, "w") as handle:
            json.dump({"seconds": seconds, "tenths": tenths, "first_half_mb": first, "second_half_mb": second}, handle)
    sys.exit(process.returncode)


if __name__ == "__main__":
    main()
