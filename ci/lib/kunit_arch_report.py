#!/usr/bin/env python3
"""ci/stages/kunit-arch's report of one architecture's kunit.py run: one
line per test case, 'ok PREFIX SUITE.CASE', 'ok ... # SKIP reason' for a
skip that SKIPS allows, 'not ok ... # why' otherwise; the reason and the
first failed expectation come from the case's own lines on CONSOLE.  A
suite of SUITES missing from the results, and cases the plan announced but
the run never reported, are 'not ok' lines too, saying HINT (what kunit.py
said went wrong) if not empty; and 'PREFIX no-kernel-errors' says whether
the console shows a kernel error report (a BUG, lockdep, KASAN, or a
WARNING no case announced).  Exits 1 if any line is 'not ok'.

usage: kunit_arch_report.py PREFIX JSON CONSOLE "SUITE..." HINT SKIPS
"""
import re
import sys

import ktap

STAMP = r"^(?:\[[^\]]*\])?\s*"		# a printk time stamp, indentation
RESULT = re.compile(STAMP + r"(not )?ok \d+ ")
FAILED = re.compile(r"(EXPECTATION|ASSERTION) FAILED at (\S+)")


def why(lines, suite, name, status):
    """The SKIP reason, or the first failed expectation, from the KTAP."""
    result = re.compile(STAMP + r"(not )?ok \d+ " + re.escape(name) + r"( # (.*))?$")
    start = next((i for i, line in enumerate(lines)
                  if re.search(r"# Subtest: " + re.escape(suite) + "$", line)), 0)
    for i in range(start, len(lines)):
        m = result.match(lines[i])
        if not m:
            continue
        if status == "SKIP":
            return (m.group(3) or "SKIP").strip()
        # the case's diagnostics: the lines since the previous result
        first = None
        j = i - 1
        while j > start and not RESULT.match(lines[j]):
            f = FAILED.search(lines[j])
            if f:
                first = f"{f.group(1).lower()} failed at {f.group(2)}"
            j -= 1
        return f"{status}: {first}" if first else status
    return status


def main():
    if len(sys.argv) != 7:
        sys.exit(__doc__)
    prefix, results, console, suites, hint, skips = sys.argv[1:]
    allowed = ktap.read_skips(skips)
    try:
        data = ktap.load(results)
    except (OSError, ValueError) as e:
        print(f"not ok {prefix} parsed-report # {results}: {e}")
        return 1
    try:
        with open(console, errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        lines = []

    bad, unnamed = 0, {}
    for path, case in ktap.walk(data):
        if not case["name"]:	# the parser's stand-in for a case never seen
            group = ".".join(path)
            unnamed[group] = unnamed.get(group, 0) + 1
            continue
        name = ".".join(path + (case["name"],))
        status = case["status"]
        suite = path[0] if path else ""
        if status == "PASS":
            print(f"ok {prefix} {name}")
        elif status == "SKIP" and name in allowed:
            print(f"ok {prefix} {name} # {why(lines, suite, case['name'], status)}")
        else:
            print(f"not ok {prefix} {name} # {why(lines, suite, case['name'], status)}")
            bad += 1
    found = {sub.get("name") for sub in data.get("sub_groups", [])}
    hint = f" ({hint})" if hint else ""
    lost = [s for s in suites.split() if s not in found]
    for suite in lost:
        print(f"not ok {prefix} {suite} # suite missing from the results{hint}")
        bad += 1
    for group, n in unnamed.items():
        if group or not lost:
            print(f"not ok {prefix} {group or 'run'} # {n} more test(s) planned, "
                  f"never reported{hint}")
            bad += 1
    error = ktap.first_kernel_error(lines)
    if error is None:
        print(f"ok {prefix} no-kernel-errors")
    else:
        print(f"not ok {prefix} no-kernel-errors # {error}")
        bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
