#!/usr/bin/env python3
"""Runs a partitioned `curate run` step by step and measures its critical path (bench/partitioned.sh).

Usage: drive.py CURATE PIPELINE PARTITIONS WORKERS OUT.json
Asks curate for the plan (`run --dry-run --json`), then runs each step's tasks WORKERS at a time, each
task a child process timed on its own (wall seconds, peak RSS from wait4's rusage). After each step it
notes the bytes of the files the step added under the partitions' directory (what the next steps read:
bucket outputs, runs, the plan, shard records) and under the export directory.
"""
import json
import os
import subprocess
import sys
import time


def files_under(paths):
    sizes = {}
    for root in paths:
        for directory, _, names in os.walk(root):
            for name in names:
                path = os.path.join(directory, name)
                try:
                    sizes[path] = os.path.getsize(path)
                except OSError:
                    pass
    return sizes


def run_step(curate, tasks, workers, threads):
    """Runs the tasks WORKERS at a time; returns [(seconds, max_rss_kb)] in task order."""
    results = [None] * len(tasks)
    pending = list(range(len(tasks)))
    running = {}
    while pending or running:
        while pending and len(running) < workers:
            index = pending.pop(0)
            args = [curate] + tasks[index] + ["--quiet"]
            if "--threads" not in args:
                args += ["--threads", str(threads)]
            started = time.monotonic()
            process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            running[process.pid] = (index, started, process)
        pid, status, usage = os.wait4(-1, 0)
        if pid not in running:
            continue
        index, started, process = running.pop(pid)
        seconds = time.monotonic() - started
        if status != 0:
            sys.exit(f"task failed ({status}): {' '.join(tasks[index])}\n{process.stderr.read().decode()[-2000:]}")
        results[index] = (seconds, usage.ru_maxrss)
    return results


def main():
    curate, pipeline, partitions, workers, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    plan = json.loads(subprocess.check_output([curate, "run", pipeline, "--partitions", str(partitions), "--dry-run", "--json"]))
    watched = [d for d in os.listdir(".") if d.endswith(".parts")] or []
    steps = []
    cores = os.cpu_count() or 1
    for step in plan["steps"]:
        watched = [d for d in os.listdir(".") if d.endswith(".parts")] + ["export"]
        before = files_under(watched)
        threads = max(1, cores // max(1, min(workers, len(step["tasks"]))))
        started = time.monotonic()
        results = run_step(curate, step["tasks"], workers, threads)
        wall = time.monotonic() - started
        after = files_under(watched)
        added = sum(size for path, size in after.items() if path not in before and "/logs/" not in path)
        steps.append({"name": step["name"], "tasks": len(results), "seconds": wall,
                      "largest_task_seconds": max(r[0] for r in results), "task_seconds": sum(r[0] for r in results),
                      "max_rss_mb": max(r[1] for r in results) / 1024, "bytes_written": added})
        print(f"{step['name']:<22}{len(results):>6}{wall:>10.2f}{max(r[0] for r in results):>10.2f}"
              f"{max(r[1] for r in results) / 1024:>10.0f}{added / 1e6:>12.2f}", flush=True)
    json.dump({"partitions": partitions, "workers": workers, "across_partitions": plan["acrossPartitions"], "steps": steps},
              open(out, "w"), indent=1)


if __name__ == "__main__":
    main()
