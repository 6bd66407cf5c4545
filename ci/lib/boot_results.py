#!/usr/bin/env python3
"""A boot's results, written once: ci/stages/boot checks a QEMU console and
writes what it found to one JSON file, which ci/test, ci/demo, ci/bench and
ci/stages/lava-run read back with the other commands here.

usage:
  boot_results.py check --label L --machine M --build B --bootargs ARGS
          --console LOG --exit RC --timeout S [--expect FILE] --skips FILE
          --kunit KUNIT_PY --kernel-json JSON --init-json JSON --out RESULTS
  boot_results.py lines RESULTS           the 'ok'/'not ok' lines
  boot_results.py require RESULTS [NAME...]
                                          exit 1, naming the first failed
                                          test (of NAMEs, or of all)
  boot_results.py summary RESULTS         a person's summary
  boot_results.py memory RESULTS          MemTotal + private areas, in kB

'check' splits the console where init (qemu/guest/init.c) starts, at the
line $GUEST_START; reads the kernel's KUnit output before it and init's
KTAP document after it with the kernel's own parser (kunit.py parse); and
checks that the boot powered off after $GUEST_DONE, that the kernel
reported no error, that every line of the expect file (extended regular
expressions, one a line, '#' comments) matches a console line, and that
every test case passed (or is a SKIP that the skips file allows).  It
writes RESULTS and prints its lines, 'ok boot LABEL NAME' or 'not ok boot
LABEL NAME # why', which ci/test counts.

RESULTS holds the boot (label, machine, build, bootargs, console,
qemu_exit), 'guest_checks' (how many checks init said it ran), 'memory'
(init's MemTotal and private areas, kB) and 'tests': one record a test,
{'group': '' (the boot itself), 'kunit' or 'guest'; 'name'; 'result':
'pass', 'skip' or 'fail'; 'why'; 'case': true for a KTAP test case,
false for a check about the report}.
"""
import argparse
import json
import os
import re
import subprocess
import sys

import ktap

MEMORY = re.compile(r"# memory: MemTotal ([0-9]+) kB, private areas ([0-9]+) kB")


def markers():
    """init's first and last line prefixes, named in ci/lib/config.sh."""
    try:
        return os.environ["GUEST_START"], os.environ["GUEST_DONE"]
    except KeyError as e:
        sys.exit(f"boot_results.py: {e.args[0]} is not set: run it from a ci/ script")


class Results:
    def __init__(self, **boot):
        self.data = dict(boot, guest_checks=None, memory=None, tests=[])

    def add(self, group, name, result, why=None, case=False):
        self.data["tests"].append({"group": group, "name": name,
                                   "result": result, "why": why, "case": case})

    def check(self, name, ok, why=None):
        self.add("", name, "pass" if ok else "fail", None if ok else why)


def line(label, test):
    """The 'ok'/'not ok' line of one test record."""
    name = " ".join(filter(None, (test["group"], test["name"])))
    head = f"{'not ok' if test['result'] == 'fail' else 'ok'} boot {label} {name}"
    if test["result"] == "skip":
        return f"{head} # SKIP {test['why']}"
    return f"{head} # {test['why']}" if test["why"] else head


def check_finished(res, lines, rc, timeout, done):
    if rc != 0:
        res.check("reaches-poweroff", False,
                  f"qemu exit {rc} (124: timeout after {timeout}s)")
    elif not any(x.startswith(done) for x in lines):
        res.check("reaches-poweroff", False, "init never finished")
    else:
        res.check("reaches-poweroff", True)


def check_errors(res, lines, done):
    """Error reports before init is done.  The board's power-off path,
    after it, is not ours: vexpress_reset_do() takes a mutex from an
    atomic notifier, which lockdep reports as an invalid wait context."""
    bad = ktap.first_kernel_error(lines, done)
    res.check("no-kernel-errors", bad is None, bad)


def check_expected(res, console, expect):
    """Each line of EXPECT matches a console line (grep -E: its syntax)."""
    if not expect:
        return
    n = 0
    with open(expect) as f:
        for rx in f.read().splitlines():
            if not rx or rx.startswith("#"):
                continue
            n += 1
            found = subprocess.run(["grep", "-Eq", "--", rx, console]).returncode == 0
            res.check(f"console-line-{n}", found, f"no line matches: {rx}")


def parse(kunit, lines, json_path):
    """Parse LINES with kunit.py into JSON_PATH; its text output beside."""
    base = json_path[:-len(".json")] if json_path.endswith(".json") else json_path
    with open(base + ".log", "w") as f:
        f.write("".join(x + "\n" for x in lines))
    with open(base + ".txt", "w") as out:
        subprocess.run([sys.executable, kunit, "parse", f"--json={json_path}",
                        base + ".log"], stdout=out, stderr=subprocess.STDOUT)


def report(res, group, json_path, skips, planned=None):
    """The test cases of one parsed report; with PLANNED, also whether the
    report holds as many top-level tests as its producer said it ran (a
    header or plan line lost on a shared console hides what follows)."""
    try:
        data = ktap.load(json_path)
    except (OSError, ValueError) as e:
        res.add(group, "parsed-report", "fail", f"{json_path}: {e}")
        return
    if planned is not None:
        found = ktap.top_level_count(data)
        res.add(group, "all-checks-reported",
                "pass" if found == planned else "fail",
                None if found == planned
                else f"{planned} run, {found} in the parsed report")
    n = 0
    for path, case in ktap.walk(data):
        name = ".".join(path + (case["name"],))
        n += 1
        if case["status"] == "PASS":
            res.add(group, name, "pass", case=True)
        elif case["status"] == "SKIP" and name in skips:
            res.add(group, name, "skip", skips[name], case=True)
        else:
            res.add(group, name, "fail", case["status"], case=True)
    if not n:
        res.add(group, "no-test-cases-found", "fail")


def check(args):
    start, done = markers()
    res = Results(label=args.label, machine=args.machine, build=args.build,
                  bootargs=args.bootargs, console=args.console,
                  qemu_exit=args.exit)
    with open(args.console, errors="replace") as f:
        lines = f.read().splitlines()
    at = next((i for i, x in enumerate(lines) if start in x), len(lines))
    check_finished(res, lines, args.exit, args.timeout, done)
    check_errors(res, lines, done)
    check_expected(res, args.console, args.expect)

    parse(args.kunit, lines[:at], args.kernel_json)
    parse(args.kunit, lines[at:], args.init_json)
    report(res, "kunit", args.kernel_json, ktap.read_skips(args.skips))
    planned = re.compile(re.escape(done) + r", ([0-9]+) checks, ")
    for x in lines:
        m = planned.match(x)
        if m:
            res.data["guest_checks"] = int(m.group(1))
    report(res, "guest", args.init_json, {}, res.data["guest_checks"])
    if res.data["guest_checks"] is None:
        res.add("guest", "all-checks-reported", "fail",
                "init never said how many checks it ran")
    for x in lines:
        m = MEMORY.search(x)
        if m:
            res.data["memory"] = {"memtotal_kb": int(m.group(1)),
                                  "private_kb": int(m.group(2))}
            break

    with open(args.out + ".tmp", "w") as f:
        json.dump(res.data, f, indent=1)
    os.replace(args.out + ".tmp", args.out)
    print_lines(res.data)


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        sys.exit(f"boot_results.py: cannot read {path} ({e}): run ci/stages/boot")


def print_lines(data):
    for test in data["tests"]:
        print(line(data["label"], test))


def full_name(test):
    return " ".join(filter(None, (test["group"], test["name"])))


def require(data, names):
    """Exit 1 unless the named tests (all, without names) passed."""
    tests = data["tests"]
    if names:
        by_name = {full_name(t): t for t in tests}
        missing = [n for n in names if n not in by_name]
        if missing:
            print(f"boot {data['label']}: no test '{missing[0]}' in its results")
            return 1
        tests = [by_name[n] for n in names]
    failed = [t for t in tests if t["result"] == "fail"]
    if failed:
        print(line(data["label"], failed[0]))
        return 1
    return 0


def summary(data):
    print(f"boot {data['label']} on {data['machine']} (build {data['build']}): "
          f"{data['bootargs']}")
    for group, what in (("", "boot checks"), ("kunit", "KUnit cases"),
                        ("guest", "init's checks")):
        tests = [t for t in data["tests"] if t["group"] == group]
        count = {r: sum(t["result"] == r for t in tests)
                 for r in ("pass", "skip", "fail")}
        print(f"  {what}: {count['pass']} passed, {count['skip']} skipped "
              f"as allowed, {count['fail']} failed")
        for t in tests:
            if t["result"] == "fail":
                print(f"    {line(data['label'], t)}")


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    cmd = sys.argv[1]
    if cmd == "check":
        p = argparse.ArgumentParser(prog="boot_results.py check")
        for opt in ("label", "machine", "build", "bootargs", "console",
                    "skips", "kunit", "kernel-json", "init-json", "out"):
            p.add_argument("--" + opt, required=True)
        p.add_argument("--exit", type=int, required=True)
        p.add_argument("--timeout", type=int, required=True)
        p.add_argument("--expect")
        check(p.parse_args(sys.argv[2:]))
        return 0
    data = load(sys.argv[2])
    if cmd == "lines" and len(sys.argv) == 3:
        print_lines(data)
    elif cmd == "require":
        return require(data, sys.argv[3:])
    elif cmd == "summary" and len(sys.argv) == 3:
        summary(data)
    elif cmd == "memory" and len(sys.argv) == 3:
        if data["memory"] is None:
            print(f"boot {data['label']}: no '# memory:' line on the console",
                  file=sys.stderr)
            return 1
        print(data["memory"]["memtotal_kb"] + data["memory"]["private_kb"])
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main())
