#!/usr/bin/env python3
"""Compare the results of a lava-run job log with the native boot's, case
by case.  NATIVE is the native boot's results file (boot_results.py); the
LAVA case C of suite S matches the native test case NAME of GROUP (kunit
or guest) whose 'GROUP.NAME' is 'S.C'.

usage: lava_compare.py LAVA_LOG NATIVE LABEL
Prints 'ok lava-run LABEL job-completes', then 'ok lava-run LABEL PREFIX
NAME' for each case with the same result in both, and 'not ok ... # why'
for each case that differs or is missing from either.  Exits 1 if any
line is 'not ok'.
"""
import json
import sys

import yaml


def log_entries(path):
    """lava-run writes one JSON-like YAML mapping a line."""
    with open(path, errors="replace") as f:
        for line in f:
            try:
                yield json.loads(line)
            except ValueError:
                try:
                    entry = yaml.safe_load(line)
                except yaml.YAMLError:
                    continue
                if isinstance(entry, dict):
                    yield entry


def lava_results(path):
    """The job's own result, and {'S.C': 'pass'|'fail'|...} of the tests."""
    job, cases = None, {}
    for entry in log_entries(path):
        msg = entry.get("msg")
        if entry.get("lvl") != "results" or not isinstance(msg, dict):
            continue
        suite = msg.get("definition", "")
        case = (msg.get("extra") or {}).get("test_case_id", msg.get("case"))
        if suite == "lava":
            if case == "job":
                job = msg
            continue
        name = f"{suite}.{case}"
        if name in cases:
            cases[name] = "duplicate"
        else:
            cases[name] = msg.get("result")
    return job, cases


def native_results(path):
    """{'GROUP.NAME': ('GROUP NAME', 'pass'|'fail'|'skip')} of the test
    cases of a boot's results file."""
    with open(path) as f:
        data = json.load(f)
    return {f"{t['group']}.{t['name']}": (f"{t['group']} {t['name']}", t["result"])
            for t in data["tests"] if t["case"]}


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    job, lava = lava_results(sys.argv[1])
    native = native_results(sys.argv[2])
    run = f"lava-run {sys.argv[3]}"
    out = []
    if job is None:
        out.append(f"not ok {run} job-completes # no job result in the log")
    elif job.get("result") != "pass":
        out.append(f"not ok {run} job-completes # {job.get('error_type')}: "
                   f"{job.get('error_msg')}")
    else:
        out.append(f"ok {run} job-completes")
    if not native:
        out.append(f"not ok {run} native-results # none in {sys.argv[2]}")
    for key, (label, want) in native.items():
        got = lava.pop(key, None)
        if got == want:
            out.append(f"ok {run} {label}")
        elif want == "skip" and got == "pass":
            # LAVA's monitor reads "ok N name # SKIP why" as a pass
            out.append(f"ok {run} {label} # SKIP native, pass in LAVA")
        elif got is None:
            out.append(f"not ok {run} {label} # missing from LAVA (native: {want})")
        else:
            out.append(f"not ok {run} {label} # LAVA: {got}, native: {want}")
    for key, got in lava.items():
        out.append(f"not ok {run} {key} # only in LAVA ({got})")
    print("\n".join(out))
    return 1 if any(line.startswith("not ok") for line in out) else 0


if __name__ == "__main__":
    sys.exit(main())
