#!/usr/bin/env python3
"""Summarise the raw 'bench,...' lines of a benchmark boot's console.

usage: bench_report.py CONSOLE OUT_DIR KERNEL QEMU MACHINE [UNPATCHED_CONSOLE]

UNPATCHED_CONSOLE: the benchmark boot of the kernel without the series
(bench=unpatched), whose samples are WHAT cma-unpatched.

Writes OUT_DIR/bench.csv (every raw sample), OUT_DIR/bench.json (the
figures), OUT_DIR/summary.json (the headline figures), OUT_DIR/bench-*.dat
for gnuplot, and prints Markdown tables.
"""
import csv
import json
import statistics
import sys


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


FRAG_STATES = ("moves", "nomoves", "intree")


def fragmentation(rows, fig, out, memcpy_mbs):
    """The fragmenting workload: success shares by fill, moves and their speed."""
    frag = [r for r in rows if r[0] == "frag"]
    errors = [r for r in frag if r[5] == "error"]
    if errors:
        sys.exit(f"bench_report.py: {len(errors)} fragmentation runs failed: {errors[0]}")
    fills = sorted({int(r[2]) for r in frag})
    if not fills:
        sys.exit("bench_report.py: no fragmentation runs in the console")
    moved = [r for r in rows if r[0] == "moved"]

    def share(state, fill=None):
        sel = [r for r in frag if r[3] == state and (fill is None or int(r[2]) == fill)]
        req = sum(int(r[5]) for r in sel)
        return sum(int(r[6]) for r in sel) / req if req else 0.0

    fig["frag"] = []
    table = ["| fill | success, moves on | moves off | in-tree cma_alloc "
             "| chunks moved | MiB moved per successful allocation |",
             "|---|---|---|---|---|---|"]
    with open(f"{out}/bench-frag.dat", "w") as fh:
        fh.write("# fill_percent moves nomoves intree\n")
        for fill in fills:
            e = {"fill_percent": fill}
            for state in FRAG_STATES:
                e[state] = share(state, fill)
            sel = [r for r in moved if int(r[2]) == fill]
            ok = sum(int(r[6]) for r in frag if r[3] == "moves" and int(r[2]) == fill)
            e["chunks_moved"] = sum(int(r[5]) for r in sel)
            e["bytes_moved_per_success"] = sum(int(r[6]) for r in sel) / ok if ok else 0
            fig["frag"].append(e)
            fh.write(f"{fill} {e['moves']} {e['nomoves']} {e['intree']}\n")
            table.append(f"| {fill}% | {100 * e['moves']:.1f}% | {100 * e['nomoves']:.1f}% | "
                         f"{100 * e['intree']:.1f}% | {e['chunks_moved']} | "
                         f"{e['bytes_moved_per_success'] / 1048576:.2f} |")
    for state in FRAG_STATES:
        fig[f"frag_success_{state}"] = share(state)
    nbytes = sum(int(r[6]) for r in moved)
    ns = sum(int(r[7]) for r in moved)
    fig["move_MBps"] = nbytes / ns * 1e3 if ns else 0.0
    fig["move_share_of_memcpy"] = fig["move_MBps"] / memcpy_mbs
    table.append("")
    table.append(f"Fragmenting workload (samples/cma_bench 'frag', {len(frag) // len(FRAG_STATES)} runs "
                 f"per kind): requests that got a chunk, of those that fit in the free bytes: "
                 f"{100 * fig['frag_success_moves']:.1f}% with moves, "
                 f"{100 * fig['frag_success_nomoves']:.1f}% without, "
                 f"{100 * fig['frag_success_intree']:.1f}% for the in-tree area. "
                 f"Moves copied {nbytes / 1048576:.0f} MiB at {fig['move_MBps']:.0f} MB/s, "
                 f"{100 * fig['move_share_of_memcpy']:.0f}% of memcpy.")
    return table


TECHNIQUES = (("loaded", "all on"),
              ("loaded-serial", "all on but the second CPU"),
              ("loaded-batch32", "flush batching, batches of 32"),
              ("loaded-nounmap", "batches of 512, a flush a page"),
              ("loaded-none", "6.1's migration"))


def full_samples(rows):
    """full(what, area, size, state): the (ns, pages in use) of the samples
    that found their area full: at most an eighth of the sample's pages
    free in the area, or seven eighths of them migrated (WHAT
    migrated-WHAT, /proc/vmstat's pgmigrate_success: the free pages may
    lie outside the range the allocation took).  Either way the sample
    had to empty most of its range.  An area's size is its debugfs count
    (WHAT count, count-unpatched), per kernel: the unpatched kernel's area
    has the same name as the patched kernel's in-tree one, not
    necessarily the same size."""
    def kernel(what):
        return "unpatched" if what.endswith("-unpatched") else "series"

    size_of = {}
    for r in rows:
        if r[0] in ("count", "count-unpatched") and r[5].isdigit():
            size_of[(kernel(r[0]), r[1])] = int(r[5])
    if not size_of:
        sys.exit("bench_report.py: no area sizes (WHAT count) in the console: "
                 "rebuild the initramfs (ci/stages/initramfs)")
    migrated = {(r[0][len("migrated-"):], r[1], r[2], r[3], r[4]): int(r[5])
                for r in rows if r[0].startswith("migrated-") and r[5].isdigit()}

    def full(what, area, size, state):
        count = size_of.get((kernel(what), area))
        pages = size // 4
        return [(int(r[5]), int(r[7])) for r in rows
                if r[0] == what and r[1] == area and r[2] == str(size)
                and r[3] == state and r[5] != "error"
                and ((count is not None and count - int(r[7]) <= pages // 8)
                     or migrated.get((what, r[1], r[2], r[3], r[4]), 0) * 8 >= pages * 7)]
    return full


def flushes(rows, what, area, size, state):
    """The median TLB flushes broadcast per allocation and free (the
    tlb-WHAT lines of a kernel with CONFIG_DEBUG_TLBFLUSH), or None."""
    got = [int(r[5]) for r in rows if r[0] == "tlb-" + what and r[1] == area
           and r[2] == str(size) and r[3] == state]
    return statistics.median(got) if got else None


def per_page(rows, what, area, size, state, full):
    """The median nanoseconds per migrated page of the samples that found
    their area full (WHAT migrated-WHAT: the pages each one migrated), or
    None."""
    migrated = {(r[1], r[2], r[3], r[4]): int(r[5]) for r in rows
                if r[0] == "migrated-" + what and r[5].isdigit()}
    times = {(r[1], r[2], r[3], r[4]): int(r[5]) for r in rows
             if r[0] == what and r[1] == area and r[2] == str(size) and r[3] == state
             and r[5] != "error"}
    ok = {t for t, _ in full(what, area, size, state)}
    got = [t / migrated[k] for k, t in times.items() if t in ok and migrated.get(k)]
    return statistics.median(got) if got else None


CLASSES = (("tmpfs", "tmpfs files"),
           ("anon", "anonymous, private"),
           ("clean", "clean ext4 file pages"),
           ("dirty", "dirty ext4 file pages"))


def classes(rows, fig, ctx, memcpy_mbs):
    """Each workload class alone, all techniques on (STATE CLASS) against
    6.1's migration (CLASS-none): cma_alloc() on the in-tree area and
    cm_alloc() on the context, samples that found their area full only."""
    full = full_samples(rows)
    table = ["| class | size | cma_alloc all on: median / p99 | cma_alloc, 6.1's migration "
             "| all on vs 6.1's | cm_alloc all on: median / p99 | cm_alloc, 6.1's migration "
             "| cm_alloc MB/s (of memcpy) | TLB flushes, cm_alloc all on / 6.1's "
             "| samples (full of all) |",
             "|---" * 10 + "|"]
    fig["classes"] = []
    for cls, name in CLASSES:
        for size in (1024, 6144, 16384):
            e = {"class": cls, "size_kb": size}
            for what, area in (("cma", "reserved"), ("cm", ctx)):
                for tech, state in (("on", cls), ("none", cls + "-none")):
                    got = [t for t, _ in full(what, area, size, state)]
                    n_all = sum(1 for r in rows if r[0] == what and r[1] == area
                                and r[2] == str(size) and r[3] == state)
                    if got:
                        e[f"{what}_{tech}"] = {"median_ns": statistics.median(got),
                                               "p99_ns": pct(got, 99), "n": len(got),
                                               "n_all": n_all}
            if "cma_on" not in e or "cm_on" not in e:
                continue

            def ms(k, p99=False):
                if k not in e:
                    return ""
                v = f"{e[k]['median_ns'] / 1e6:.2f}"
                return v + (f" / {e[k]['p99_ns'] / 1e6:.2f} ms" if p99 else " ms")
            if "cma_none" in e:
                e["speedup"] = e["cma_none"]["median_ns"] / e["cma_on"]["median_ns"]
            e["cm_MBps"] = size * 1024 / e["cm_on"]["median_ns"] * 1e3
            e["tlb_flushes"] = [flushes(rows, "cm", ctx, size, st)
                                for st in (cls, cls + "-none")]
            fig["classes"].append(e)
            table.append(f"| {name} | {size // 1024} MiB | {ms('cma_on', True)} | "
                         f"{ms('cma_none')} | "
                         + (f"{e['speedup']:.2f}x" if "speedup" in e else "")
                         + f" | {ms('cm_on', True)} | {ms('cm_none')} | "
                         f"{e['cm_MBps']:.0f} ({100 * e['cm_MBps'] / memcpy_mbs:.0f}%) | "
                         + " / ".join("" if v is None else f"{v:.0f}" for v in e["tlb_flushes"])
                         + " | " + ", ".join(f"{e[k]['n']}/{e[k]['n_all']}" for k in
                                     ("cma_on", "cma_none", "cm_on", "cm_none") if k in e)
                         + " |")
    return table


def unpatched(rows, fig, ctx):
    """The mixed workload on the kernel without the series (cma_alloc()
    through CMA's debugfs files) against cm_alloc() on the context and
    cma_alloc() on the in-tree area with the series, all techniques on;
    samples that found their area full only."""
    full = full_samples(rows)
    table = ["| size | unpatched cma_alloc: median / p99 | series, cma_alloc all on "
             "| series, cm_alloc all on | unpatched vs cm_alloc "
             "| per page migrated: unpatched / series cma_alloc all on "
             "| samples (full of all) |",
             "|---" * 7 + "|"]
    fig["unpatched"] = []
    for size in (1024, 6144, 16384):
        u = [t for t, _ in full("cma-unpatched", "reserved", size, "loaded")]
        if not u:
            continue
        n_all = sum(1 for r in rows if r[0] == "cma-unpatched" and r[2] == str(size))
        cma = [t for t, _ in full("cma", "reserved", size, "loaded")]
        cm = [t for t, _ in full("cm", ctx, size, "loaded")]
        e = {"size_kb": size, "median_ns": statistics.median(u), "p99_ns": pct(u, 99),
             "n": len(u), "n_all": n_all}
        if cma:
            e["series_cma_median_ns"] = statistics.median(cma)
        if cm:
            e["series_cm_median_ns"] = statistics.median(cm)
            e["speedup_cm"] = e["median_ns"] / e["series_cm_median_ns"]
        pu = per_page(rows, "cma-unpatched", "reserved", size, "loaded", full)
        ps = per_page(rows, "cma", "reserved", size, "loaded", full)
        if pu:
            e["ns_per_page"] = pu
        if ps:
            e["series_cma_ns_per_page"] = ps
        fig["unpatched"].append(e)
        table.append(f"| {size // 1024} MiB | {e['median_ns'] / 1e6:.2f} / "
                     f"{e['p99_ns'] / 1e6:.2f} ms | "
                     + (f"{e['series_cma_median_ns'] / 1e6:.2f} ms" if cma else "")
                     + " | " + (f"{e['series_cm_median_ns'] / 1e6:.2f} ms" if cm else "")
                     + " | " + (f"{e['speedup_cm']:.2f}x" if cm else "")
                     + " | " + " / ".join(f"{e[k] / 1e3:.1f} us" if k in e else "-"
                                          for k in ("ns_per_page", "series_cma_ns_per_page"))
                     + f" | {e['n']}/{e['n_all']} |")
    return table


def techniques(samples, rows, fig, ctx):
    """Loaded allocations with each migration technique on and off: every
    technique with cma_alloc() on the in-tree area, all on and all off with
    cm_alloc() on the context.  Only samples whose area had at most an
    eighth of the sample's pages free count: the filler cannot always fill
    the area a sample just freed, and a sample that finds its pages free
    migrates nothing."""
    full = full_samples(rows)

    table = ["| size | " + " | ".join(f"{name}: cma_alloc median / p99" for _, name in TECHNIQUES)
             + " | all on vs 6.1's | cm_alloc on the context, all on / 6.1's |",
             "|---" * (len(TECHNIQUES) + 3) + "|"]
    fig["techniques"] = []

    for size in (1024, 6144, 16384):
        cells, e = [], {"size_kb": size, "area": "reserved"}
        for state, _ in TECHNIQUES:
            got = full("cma", "reserved", size, state)
            if not got:
                cells.append("")
                continue
            cma = [t for t, _ in got]
            e[state] = {"median_ns": statistics.median(cma), "p99_ns": pct(cma, 99),
                        "n": len(cma), "n_all": len(samples("cma", size, state, "reserved")),
                        "used_pages_median": statistics.median(u for _, u in got)}
            cells.append(f"{e[state]['median_ns'] / 1e6:.2f} / {e[state]['p99_ns'] / 1e6:.2f} ms")
        if "loaded" not in e:
            continue
        # No 6.1's migration on 6.12: its migrate_pages_batch() always
        # batches the unmapping, and bench.c says it skipped that state.
        # Missing for any other reason, it is an error.
        if "loaded-none" in e:
            e["speedup"] = e["loaded-none"]["median_ns"] / e["loaded"]["median_ns"]
        elif not any(r[0] == "skipped" and r[3] == "loaded-none" for r in rows):
            sys.exit(f"bench_report.py: no full loaded-none sample of {size} KiB, "
                     "and the benchmark did not say it skipped that state")
        e["tlb_flushes"] = {state: flushes(rows, "cma", "reserved", size, state)
                            for state, _ in TECHNIQUES}
        cm = [x for x in (full("cm", ctx, size, state) for state in ("loaded", "loaded-none"))
              if x]
        if cm:
            e["context_median_ns"] = [statistics.median(t for t, _ in x) for x in cm]
            e["context_n"] = [len(x) for x in cm]
            e["context_used_pages_median"] = [statistics.median(u for _, u in x) for x in cm]
        fig["techniques"].append(e)
        table.append(f"| {size // 1024} MiB | " + " | ".join(cells)
                     + (f" | {e['speedup']:.2f}x | " if "speedup" in e else " | | ")
                     + (" / ".join(f"{v / 1e6:.2f}" for v in e["context_median_ns"]) + " ms"
                        if "context_median_ns" in e else "") + " |")
    if any(v is not None for e in fig["techniques"] for v in e["tlb_flushes"].values()):
        table.append("")
        table.append("TLB flushes broadcast per cma_alloc() and its release (median; "
                     "/proc/vmstat nr_tlb_remote_flush, CONFIG_DEBUG_TLBFLUSH), by technique: "
                     + "; ".join(f"{e['size_kb'] // 1024} MiB: "
                                 + ", ".join(f"{n}: {e['tlb_flushes'][s]:.0f}"
                                             for s, n in TECHNIQUES
                                             if e["tlb_flushes"][s] is not None)
                                 for e in fig["techniques"]) + ".")
    for e in fig["techniques"]:
        e["ns_per_page"] = {state: per_page(rows, "cma", "reserved", e["size_kb"], state, full)
                            for state, _ in TECHNIQUES}
    if any(v for e in fig["techniques"] for v in e["ns_per_page"].values()):
        table.append("")
        table.append("Microseconds per page migrated (median of the full samples; "
                     "/proc/vmstat pgmigrate_success), by technique: "
                     + "; ".join(f"{e['size_kb'] // 1024} MiB: "
                                 + ", ".join(f"{n}: {e['ns_per_page'][s] / 1e3:.1f}"
                                             for s, n in TECHNIQUES
                                             if e["ns_per_page"][s])
                                 for e in fig["techniques"]) + ".")
    if fig["techniques"]:
        table.append("")
        table.append("Samples that found their area full (an eighth of the sample's pages "
                     "free at most, or seven eighths of them migrated), of all, and their areas' pages in use (median; the "
                     "in-tree area by technique, then the context, all on / 6.1's): "
                     + "; ".join(f"{e['size_kb'] // 1024} MiB: "
                                 + ", ".join(f"{e[s]['n']}/{e[s]['n_all']}"
                                             for s, _ in TECHNIQUES if s in e)
                                 for e in fig["techniques"]) + ". Pages in use: "
                     + "; ".join(f"{e['size_kb'] // 1024} MiB: "
                                 + ", ".join(f"{e[s]['used_pages_median']:.0f}"
                                             for s, _ in TECHNIQUES if s in e)
                                 + (" / context " + ", ".join(f"{v:.0f}" for v in e["context_used_pages_median"])
                                    if "context_used_pages_median" in e else "")
                                 for e in fig["techniques"]))
    return table


def summary(fig, memcpy):
    """The headline figures, as the issues name them."""
    s = {"frag_success_with_moves": fig["frag_success_moves"],
         "frag_success_without_moves": fig["frag_success_nomoves"],
         "frag_success_intree": fig["frag_success_intree"],
         "move_share_of_memcpy": fig["move_share_of_memcpy"],
         "memcpy_6mib_ms": memcpy / 1e6}
    loaded = [e for e in fig["alloc"] if e["state"] == "loaded" and e["size_kb"] == 6144]
    if loaded:
        s["loaded_6mib_median_ms"] = loaded[0]["cm_median_ns"] / 1e6
        s["loaded_6mib_p99_ms"] = loaded[0]["cm_p99_ns"] / 1e6
    # Fastest path on, as for the allocations; the other one beside it
    if "camera_first_frame_ahead" in fig:
        s["camera_reqbufs_full_ms"] = fig["camera_first_frame_ahead"]["median_ns"] / 1e6
        if "camera_first_frame" in fig:
            s["camera_reqbufs_full_ms_without_ahead"] = \
                fig["camera_first_frame"]["median_ns"] / 1e6
    elif "camera_first_frame" in fig:
        s["camera_reqbufs_full_ms"] = fig["camera_first_frame"]["median_ns"] / 1e6
    # Until every buffer has held a frame: what allocating ahead defers
    for key in ("camera_all_buffers", "camera_all_buffers_ahead"):
        if key in fig:
            s[f"{key}_ms"] = fig[key]["median_ns"] / 1e6
    six = [e for e in fig.get("techniques", []) if e["size_kb"] == 6144]
    if six:
        s["intree_loaded_6mib_median_ms"] = six[0]["loaded"]["median_ns"] / 1e6
        if "loaded-none" in six[0]:
            s["intree_loaded_6mib_median_ms_6_1_migration"] = \
                six[0]["loaded-none"]["median_ns"] / 1e6
    for e in fig.get("techniques", []):
        if e["size_kb"] == 6144 and e["tlb_flushes"]["loaded"] is not None:
            s["intree_loaded_6mib_tlb_flushes"] = e["tlb_flushes"]["loaded"]
            if e["tlb_flushes"]["loaded-none"] is not None:
                s["intree_loaded_6mib_tlb_flushes_6_1_migration"] = \
                    e["tlb_flushes"]["loaded-none"]
    for e in fig.get("unpatched", []):
        if e["size_kb"] == 6144:
            s["unpatched_loaded_6mib_median_ms"] = e["median_ns"] / 1e6
            if "speedup_cm" in e:
                s["loaded_6mib_speedup_vs_unpatched"] = e["speedup_cm"]
    for e in fig.get("classes", []):
        if e["size_kb"] == 6144:
            s[f"{e['class']}_loaded_6mib_median_ms"] = e["cm_on"]["median_ns"] / 1e6
    return s


def main():
    if len(sys.argv) not in (6, 7):
        sys.exit(__doc__)
    console, out, kernel, qemu, machine = sys.argv[1:6]
    rows = []
    for path in sys.argv[6:7] + [console]:
        got = []
        for line in open(path, errors="replace"):
            line = line.strip()
            if line.startswith("bench,"):
                f = line.split(",")
                if len(f) == 9:
                    got.append(f[1:])
        if not any(r[0] == "done" for r in got):
            sys.exit("bench_report.py: the benchmark did not finish; see " + path)
        # The unpatched kernel's memcpy is not the one reported
        rows += [r for r in got if path == console
                 or r[0].endswith("-unpatched")]
    with open(f"{out}/bench.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["what", "area", "size_kb", "state", "rep",
                    "alloc_ns", "free_ns", "used_pages"])
        w.writerows(r for r in rows if r[0] != "done")

    def samples(what, size, state, area=None):
        return [int(r[5]) for r in rows
                if r[0] == what and r[2] == str(size) and r[3] == state
                and r[5] != "error" and (area is None or r[1] == area)]

    def errors(what, size, state):
        return sum(1 for r in rows if r[0] == what and r[2] == str(size)
                   and r[3] == state and r[5] == "error")

    memcpy = statistics.median(samples("memcpy", 6144, "idle"))
    memcpy_mbs = 6 * 1048576 / memcpy * 1e3
    ctx = next(r[1] for r in rows if r[0] == "cm" and r[1].startswith("reusable-"))
    priv = next(r[1] for r in rows if r[0] == "cm" and r[1].startswith("private-"))
    fig = {"kernel": kernel, "qemu": qemu, "machine": machine,
           "context": ctx, "private": priv, "in_tree_area": "reserved",
           "memcpy_6MiB_median_ns": memcpy, "memcpy_MBps": memcpy_mbs,
           "alloc": []}
    table = ["| size | state | cm_alloc median / p99 | cma_alloc median / p99 "
             "| ratio | cm_alloc on the in-tree area | migration MB/s (of memcpy) |",
             "|---|---|---|---|---|---|---|"]
    for state in ("idle", "loaded"):
        for size in (1024, 6144, 16384):
            cm = samples("cm", size, state, ctx)
            cma = samples("cma", size, state)
            if not cm or not cma:
                continue
            e = {"size_kb": size, "state": state,
                 "cm_median_ns": statistics.median(cm), "cm_p99_ns": pct(cm, 99),
                 "cma_median_ns": statistics.median(cma), "cma_p99_ns": pct(cma, 99),
                 "n": min(len(cm), len(cma)),
                 "errors": errors("cm", size, state) + errors("cma", size, state)}
            e["ratio"] = e["cm_median_ns"] / e["cma_median_ns"]
            mbs = ""
            same = samples("cm", size, state, "reserved")
            if same:
                e["cm_same_area_median_ns"] = statistics.median(same)
            if state == "loaded":
                e["cm_migration_MBps"] = size * 1024 / e["cm_median_ns"] * 1e3
                e["migration_vs_memcpy"] = e["cm_migration_MBps"] / memcpy_mbs
                mbs = f"{e['cm_migration_MBps']:.0f} ({100 * e['migration_vs_memcpy']:.0f}%)"
            fig["alloc"].append(e)
            table.append(f"| {size // 1024} MiB | {state} | "
                         f"{e['cm_median_ns'] / 1e6:.2f} / {e['cm_p99_ns'] / 1e6:.2f} ms | "
                         f"{e['cma_median_ns'] / 1e6:.2f} / {e['cma_p99_ns'] / 1e6:.2f} ms | "
                         f"{e['ratio']:.2f} | "
                         + (f"{e['cm_same_area_median_ns'] / 1e6:.2f} ms" if same else "")
                         + f" | {mbs} |")
    fig["private_6MiB"] = {s: statistics.median(samples("cm", 6144, s, priv))
                           for s in ("idle", "loaded") if samples("cm", 6144, s, priv)}
    lent = [r for r in rows if r[0] == "lent"]
    if lent:
        used, count = int(lent[0][5]), int(lent[0][6])
        fig["lent_percent"] = 100 * used / count if count else 0
    fig["scaling_size"] = []
    with open(f"{out}/bench-size.dat", "w") as fh:
        fh.write("# size_kb cm_median_ms cma_median_ms\n")
        for size in (64, 256, 1024, 4096, 16384, 32768):
            cm, cma = samples("cm", size, "idle", ctx), samples("cma", size, "idle")
            if cm and cma:
                fh.write(f"{size} {statistics.median(cm) / 1e6} {statistics.median(cma) / 1e6}\n")
                fig["scaling_size"].append({"size_kb": size,
                                            "cm_median_ns": statistics.median(cm),
                                            "cma_median_ns": statistics.median(cma)})
    fig["scaling_live"] = []
    with open(f"{out}/bench-live.dat", "w") as fh:
        fh.write("# live_chunks cm_1MiB_median_ms\n")
        for n in (0, 16, 64, 256):
            cm = samples("cm", 1024, f"live{n}", ctx)
            if cm:
                fh.write(f"{n} {statistics.median(cm) / 1e6}\n")
                fig["scaling_live"].append({"live": n, "cm_median_ns": statistics.median(cm)})
    frag_table = fragmentation(rows, fig, out, memcpy_mbs)
    tech_table = techniques(samples, rows, fig, ctx)
    class_table = classes(rows, fig, ctx, memcpy_mbs)
    unpatched_table = unpatched(rows, fig, ctx)
    for what, key in (("first-frame", "camera_first_frame"),
                      ("first-frame-ahead", "camera_first_frame_ahead"),
                      ("all-buffers", "camera_all_buffers"),
                      ("all-buffers-ahead", "camera_all_buffers_ahead")):
        camera = [int(r[5]) for r in rows if r[0] == "camera" and r[3] == what
                  and r[5] != "error"]
        errors = sum(1 for r in rows if r[0] == "camera" and r[3] == what
                     and r[5] == "error")
        if camera:
            fig[key] = {
                "buffers": int(next(r[2] for r in rows if r[0] == "camera")),
                "median_ns": statistics.median(camera), "p99_ns": pct(camera, 99),
                "n": len(camera), "errors": errors}
    with open(f"{out}/bench.json", "w") as fh:
        json.dump(fig, fh, indent=1)
    with open(f"{out}/summary.json", "w") as fh:
        json.dump(summary(fig, memcpy), fh, indent=1)
        fh.write("\n")
    print("\n".join(table))
    print()
    print("\n".join(frag_table))
    print()
    print("\n".join(tech_table))
    print()
    if fig["classes"]:
        print("\n".join(class_table))
        print()
    if fig["unpatched"]:
        print("\n".join(unpatched_table))
        print()
    for key, upto, how in (
            ("camera_first_frame", "first frame", "allocated at REQBUFS"),
            ("camera_first_frame_ahead", "first frame", "allocated ahead"),
            ("camera_all_buffers", "every buffer used", "allocated at REQBUFS"),
            ("camera_all_buffers_ahead", "every buffer used", "allocated ahead")):
        if key in fig:
            c = fig[key]
            print(f"camera, open to {upto} with {c['buffers']} full-HD buffers "
                  f"{how}, from a full context: median {c['median_ns'] / 1e6:.1f} ms, "
                  f"p99 {c['p99_ns'] / 1e6:.1f} ms ({c['n']} runs, {c['errors']} failed)")
    print(f"memcpy of 6 MiB in the guest: {memcpy / 1e6:.2f} ms ({memcpy_mbs:.0f} MB/s)")
    if "private_6MiB" in fig:
        print("private context, 6 MiB: " + ", ".join(
            f"{s} {v / 1e6:.3f} ms" for s, v in fig["private_6MiB"].items()))
    if "lent_percent" in fig:
        print(f"idle reusable context used by movable pages under pressure: "
              f"{fig['lent_percent']:.1f}%")
    print(f"{kernel}; {qemu}; {machine}")


if __name__ == "__main__":
    main()
