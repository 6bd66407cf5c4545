"""KTAP results as the kernel's own parser reports them, for the ci/ stages.

'kunit.py parse --json' (the kernel's tools/testing/kunit) turns a KTAP
document into a tree: groups ('sub_groups') of test cases ('test_cases'),
each with a name and a status (PASS, FAIL, SKIP, ...).  A case the plan
announced but the document never reported is a case with an empty name.
This module reads that tree and the files that say which cases may be
skipped on a machine; boot_results.py (the boards) and
kunit_arch_report.py (x86_64, arm64) turn both into 'ok'/'not ok' lines.
"""
import json
import re

# Kernel error reports on a console; a WARNING is one only if no test
# announced it (see kernel_errors()).
ERRORS = re.compile(
    r"Kernel panic|Oops|BUG: |Unable to handle kernel|KASAN"
    r"|kmemleak: .* new suspected|possible circular locking"
    r"|possible recursive locking|inconsistent lock state"
    r"|suspicious RCU usage|UBSAN")
KTAP_RESULT = re.compile(r"^[ \t]*(?:\[[^]]*\] *)?(not )?ok [0-9]+ ")
TIMESTAMP = re.compile(r"^\[[^]]*\] ")


def load(path):
    """The parsed report of PATH; OSError or ValueError if unreadable."""
    with open(path) as f:
        return json.load(f)


def walk(group, path=()):
    """Yield (path, case) for every test case below GROUP, in order; path
    is the tuple of the names of the groups between GROUP and the case."""
    for case in group.get("test_cases", []):
        yield path, case
    for sub in group.get("sub_groups", []):
        yield from walk(sub, path + (sub.get("name") or "",))


def top_level_count(data):
    """How many tests the document's top level holds: its plan, if no
    header or plan line was lost."""
    return len(data.get("test_cases", [])) + len(data.get("sub_groups", []))


def read_skips(path):
    """{'suite.case': 'why'} of a skips file: one 'suite.case<TAB>why' a
    line, '#' starts a comment.  The cases that cannot run on a machine:
    their SKIP is a pass there, every other SKIP a failure."""
    skips = {}
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].rstrip()
            if line:
                name, _, why = line.partition("\t")
                skips[name.strip()] = why.strip()
    return skips


def kernel_errors(lines, stop=None):
    """Yield the kernel's error reports among LINES, up to the first line
    that starts with STOP.  A WARNING passes only right after a test line
    that announced it ("expect a WARNING"), before the result line of that
    test: an announced warning that did not come (WARN_ONCE) excuses
    nothing later."""
    announced = False
    for x in lines:
        if stop is not None and x.startswith(stop):
            return
        if KTAP_RESULT.match(x):
            announced = False
        if "expect a WARNING" in x:
            announced = True
            continue
        if "WARNING: CPU: " in x:
            if not announced:
                yield x
            announced = False
            continue
        if ERRORS.search(x):
            yield x


def first_kernel_error(lines, stop=None):
    """The first error report of kernel_errors(), without its time stamp,
    or None."""
    bad = next(kernel_errors(lines, stop), None)
    return TIMESTAMP.sub("", bad) if bad is not None else None
