#!/usr/bin/env python3
"""Validate a LAVA job definition with Debian's lava-common schema, strictly.

usage: lava_validate.py JOB.yaml [LABEL]
Prints 'ok lava [LABEL ]job-validates' or 'not ok ... # reason'.
"""
import sys

import yaml
from lava_common.schemas import validate


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    name = " ".join(["lava"] + sys.argv[2:] + ["job-validates"])
    with open(sys.argv[1]) as f:
        job = yaml.safe_load(f)
    try:
        validate(job, strict=True)
    except Exception as e:  # voluptuous raises several kinds
        print(f"not ok {name} # {str(e).splitlines()[0]}")
        return 1
    print(f"ok {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
