#!/usr/bin/env python3
"""Render a LAVA device dictionary into the device configuration that
lava-run takes, the way lava-server does for a job: the dictionary extends
the device-type templates of Debian's lava-server and is rendered with the
job's context (jinja2 sandbox, trim_blocks, no autoescape).

usage: lava_device.py DEVICE_TYPES_DIR DEVICE_DICT JOB.yaml >DEVICE.yaml
"""
import os
import sys

import yaml
from jinja2 import FileSystemLoader, TemplateError
from jinja2.sandbox import SandboxedEnvironment


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    types_dir, device_dict, job_path = sys.argv[1:]
    for path in (types_dir, device_dict, job_path):
        if not os.path.exists(path):
            sys.exit(f"lava_device.py: {path}: no such file or directory")
    with open(job_path) as f:
        context = (yaml.safe_load(f) or {}).get("context", {})
    env = SandboxedEnvironment(
        loader=FileSystemLoader([os.path.dirname(os.path.abspath(device_dict)),
                                 types_dir]),
        autoescape=False,
        trim_blocks=True,
    )
    try:
        text = env.get_template(os.path.basename(device_dict)).render(**context)
        device = yaml.safe_load(text)
    except (TemplateError, yaml.YAMLError) as e:
        sys.exit(f"lava_device.py: cannot render {device_dict}: {e}")
    if not isinstance(device, dict) or "actions" not in device:
        sys.exit(f"lava_device.py: {device_dict} renders to no device configuration")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
