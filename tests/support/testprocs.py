"""What the Python test drivers (tests/observability, tests/e2e, tests/docs) share: a missing tool, a process ended by
its id, a JSON GET, and the end of a run."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request


def missing(what):
    """A tool or a build product is not there: a failure under CI=true, else a skip (CTest's SKIP_RETURN_CODE 77)."""
    if os.environ.get("CI") == "true":
        print(f"FAIL: {what} (CI=true)", file=sys.stderr)
        sys.exit(1)
    print(f"SKIP: {what}", file=sys.stderr)
    sys.exit(77)


def end(process, name):
    """Ends a process we started, by its id: SIGTERM, then SIGKILL after 5 s."""
    if process is None or process.poll() is not None:
        return
    os.kill(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        print(f"{name} ignored SIGTERM; SIGKILL", file=sys.stderr)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()


def get_json(url, timeout=2.0):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.load(response)


def finish(failures, start):
    """Prints the wall time and the failures, and exits 1 if there are any."""
    print(f"wall time {time.monotonic() - start:.1f} s")
    for failure in failures:
        print("FAIL:", failure, file=sys.stderr)
    sys.exit(1 if failures else 0)
