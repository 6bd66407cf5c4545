#!/usr/bin/env python3
"""Where the loaded 6 MiB allocations spend their time: the 'bench,profile'
lines of a bench=profile boot (cma-bench -P), by kernel function.

usage: profile_report.py [-n TOP] LABEL CONSOLE SYSTEM_MAP [LABEL CONSOLE SYSTEM_MAP]...

Each CONSOLE is a profile boot's console, SYSTEM_MAP the System.map of the
kernel it booted (the buckets are offsets from its _stext).  Prints one
Markdown table: the TOP functions by their largest share of any column's
ticks, each column a kernel and state (LABEL STATE), with every column's
ticks and allocations at the bottom, and the allocations' median time and
microseconds per page they migrated (pgmigrate_success: the samples that
migrated a page).  Idle ticks (the other CPU waiting)
and the profiler's own (a tick while cma-bench copies /proc/profile out
can land in a bucket already copied) are counted apart: the shares are of
the other ticks, the busy ones.
"""
import bisect
import collections
import statistics
import sys

# The idle loop: a CPU with nothing to run, not time an allocation spends
IDLE = {"cpu_v7_do_idle", "arch_cpu_idle", "default_idle_call", "do_idle",
        "cpu_startup_entry", "v7_wfi"}
# Reading /proc/profile: the allocations copy nothing to user space
PROFILER = {"arm_copy_to_user", "read_profile"}


def usage():
    sys.exit("usage: profile_report.py [-n TOP] LABEL CONSOLE SYSTEM_MAP "
             "[LABEL CONSOLE SYSTEM_MAP]...")


def text_symbols(path):
    """The sorted (address, name) of the kernel's text symbols, and _stext."""
    syms, stext = [], None
    with open(path) as fh:
        for line in fh:
            parts = line.split()
            if len(parts) != 3:
                continue
            addr, kind, name = int(parts[0], 16), parts[1], parts[2]
            if name == "_stext":
                stext = addr
            if kind in "tTwW" and not name.startswith("$"):
                syms.append((addr, name))
    if stext is None:
        sys.exit(f"profile_report.py: {path} has no _stext: not a System.map?")
    syms.sort()
    return syms, stext


def per_page(console):
    """{state: (median allocation ns, median ns per migrated page)} of the
    allocations of a console (WHAT cma or cma-unpatched, each after its
    migrated- line)."""
    times, pages = collections.defaultdict(list), collections.defaultdict(list)
    migrated = None
    with open(console, errors="replace") as fh:
        for line in fh:
            i = line.find("bench,")
            r = line[i:].strip().split(",")[1:] if i >= 0 else []
            if len(r) != 8 or r[5] == "error":
                continue
            if r[0].startswith("migrated-"):
                migrated = int(r[5])
            elif r[0] in ("cma", "cma-unpatched"):
                times[r[3]].append(int(r[5]))
                if migrated:
                    pages[r[3]].append(int(r[5]) / migrated)
                migrated = None
    return {s: (statistics.median(t), statistics.median(pages[s]) if pages[s] else None)
            for s, t in times.items()}


def profile(console, system_map):
    """{state: (Counter of ticks by function, allocations)} of a console."""
    syms, stext = text_symbols(system_map)
    addrs = [a for a, _ in syms]
    got = {}
    with open(console, errors="replace") as fh:
        for line in fh:
            i = line.find("bench,profile,")
            if i < 0:
                continue
            r = line[i:].strip().split(",")[1:]
            if len(r) != 8:
                continue
            state, bucket, ticks, step, reps = r[3], int(r[4]), int(r[5]), int(r[6]), int(r[7])
            pc = stext + bucket * step
            k = bisect.bisect_right(addrs, pc) - 1
            name = syms[k][1] if k >= 0 else "?"
            counter, _ = got.setdefault(state, (collections.Counter(), reps))
            counter[name] += ticks
    if not got:
        sys.exit(f"profile_report.py: no 'bench,profile' lines in {console}: "
                 "was it booted with bench=profile profile=2?")
    return got


def main():
    args = sys.argv[1:]
    top = 25
    if args[:1] == ["-n"]:
        if len(args) < 2 or not args[1].isdigit():
            usage()
        top, args = int(args[1]), args[2:]
    if not args or len(args) % 3:
        usage()
    columns = []
    for i in range(0, len(args), 3):
        label, console, system_map = args[i:i + 3]
        times = per_page(console)
        for state, (counter, reps) in sorted(profile(console, system_map).items()):
            idle = sum(v for k, v in counter.items() if k in IDLE)
            own = sum(v for k, v in counter.items() if k in PROFILER)
            busy = collections.Counter({k: v for k, v in counter.items()
                                        if k not in IDLE and k not in PROFILER})
            columns.append((f"{label} {state}", busy, idle, own, reps,
                            times.get(state, (None, None))))
    share = {}
    for _, busy, _, _, _, _ in columns:
        total = sum(busy.values()) or 1
        for name, v in busy.items():
            share[name] = max(share.get(name, 0), v / total)
    names = sorted(share, key=share.get, reverse=True)[:top]
    print("| function | " + " | ".join(c[0] for c in columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    for name in names:
        cells = []
        for _, busy, _, _, _, _ in columns:
            total = sum(busy.values()) or 1
            cells.append(f"{100 * busy[name] / total:.1f}%" if busy[name] else "")
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("| busy ticks (idle, profiler) | " + " | ".join(
        f"{sum(b.values())} ({i}, {o})" for _, b, i, o, _, _ in columns) + " |")
    print("| allocations | " + " | ".join(str(r) for _, _, _, _, r, _ in columns) + " |")
    print("| allocation, median | " + " | ".join(
        f"{t[0] / 1e6:.1f} ms" if t[0] else "" for *_, t in columns) + " |")
    print("| per page migrated, median | " + " | ".join(
        f"{t[1] / 1e3:.1f} us" if t[1] else "" for *_, t in columns) + " |")


if __name__ == "__main__":
    main()
