#!/usr/bin/env python3
"""docs/tutorial.md is compiled and its outputs are real.

Every ```cpp block of the tutorial must be preceded by an include marker and be, character for character, the file
or region it names, which CMake builds (examples/ are compiled with warnings as errors):
    <!-- include: examples/quick_example.cpp -->           the whole file
    <!-- include: examples/configuration.cpp#basic -->     the lines between `// [tutorial:basic]` and
                                                           `// [/tutorial:basic]`, dedented
Every ```text block preceded by an output marker must be what that program prints:
    <!-- output: example_quick_example -->                 its stdout, exactly
    <!-- output: example_monitoring stderr -->             its stderr, numbers masked (waits are jittered)
    <!-- output: poller stdout|stderr|metrics -->          the article's poller (grit_api_poller) against
                                                           tools/flaky_server with the tutorial's faults
Programs are found with --bin NAME=PATH. Exit 77 (skipped) if one is missing, except under CI=true.
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from testprocs import missing  # noqa: E402  (after the path is set)

POLLER_FAULTS = ["--fault=2.1:503", "--fault=3.1:429:1"]
POLLER_ARGS = ["--pages=3", "--metrics-port=-1"]  # the article's: attempts 5, waits 0.5..8 s + 1 s jitter, 60 s




def region(root, spec):
    path, _, name = spec.partition("#")
    with open(os.path.join(root, path)) as f:
        text = f.read()
    if not name:
        return text
    m = re.search(rf"^[ \t]*// \[tutorial:{re.escape(name)}\]\n(.*?)^[ \t]*// \[/tutorial:{re.escape(name)}\]\n",
                  text, re.S | re.M)
    if not m:
        raise KeyError(f"no region {name!r} in {path}")
    return textwrap.dedent(m.group(1))


def mask(text):
    text = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", text)
    text = re.sub(r"\d+\.\d+", "N.N", text)
    text = re.sub(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT", "DATE", text)
    return text


def run_poller(bins):
    """The tutorial's poller run: the flaky server, then the poller; (stdout, stderr, metrics)."""
    work = tempfile.mkdtemp(prefix="grit-tutorial-")
    server = subprocess.Popen([bins["grit_flaky_server"], "--lifetime=60"] + POLLER_FAULTS, stdout=subprocess.PIPE,
                              text=True)
    try:
        line = server.stdout.readline()
        m = re.fullmatch(r"listening on (127\.0\.0\.1:\d+)\n", line)
        if not m:
            raise RuntimeError(f"server said {line!r}")
        metrics = os.path.join(work, "metrics.txt")
        done = subprocess.run([bins["grit_api_poller"], f"--url=http://{m.group(1)}/posts",
                               f"--checkpoint-dir={work}/checkpoints", f"--metrics-file={metrics}"] + POLLER_ARGS,
                              capture_output=True, text=True, timeout=40)
        with open(metrics) as f:
            return done.stdout, done.stderr, f.read()
    finally:
        os.kill(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--bin", action="append", default=[])
    args = parser.parse_args()
    bins = dict(b.split("=", 1) for b in args.bin)
    for name, path in bins.items():
        if not path or not os.access(path, os.X_OK):
            missing(f"{name} was not built")

    with open(os.path.join(args.root, "docs", "tutorial.md")) as f:
        lines = f.read().split("\n")
    failures, blocks, outputs = [], 0, 0
    poller = None
    marker = None
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.fullmatch(r"<!-- (include|output): (.+?) -->", line.strip())
        if m:
            marker = (m.group(1), m.group(2).split())
            i += 1
            continue
        if line.startswith("```"):
            lang = line[3:].strip()
            j = i + 1
            while not lines[j].startswith("```"):
                j += 1
            body = "\n".join(lines[i + 1:j]) + "\n"
            where = f"docs/tutorial.md:{i + 1}"
            if lang == "cpp":
                blocks += 1
                if not marker or marker[0] != "include":
                    failures.append(f"{where}: a cpp block without an include marker (it would not be compiled)")
                else:
                    try:
                        want = region(args.root, marker[1][0])
                        if body != want:
                            failures.append(f"{where}: differs from {marker[1][0]}:\n--- doc\n{body}--- source\n{want}")
                    except (OSError, KeyError) as e:
                        failures.append(f"{where}: {e}")
            elif marker and marker[0] == "output":
                outputs += 1
                name, stream = marker[1][0], (marker[1][1] if len(marker[1]) > 1 else "stdout")
                if name == "poller":
                    if poller is None:
                        poller = run_poller(bins)
                    got = poller[{"stdout": 0, "stderr": 1, "metrics": 2}[stream]]
                else:
                    done = subprocess.run([bins[name]], capture_output=True, text=True, timeout=60)
                    got = done.stdout if stream == "stdout" else done.stderr
                exact = stream == "stdout"
                if (got != body) if exact else (mask(got) != mask(body)):
                    failures.append(f"{where}: {name} {stream} {'' if exact else '(numbers masked) '}is not what the "
                                    f"doc says:\n--- doc\n{body}--- real\n{got}")
            marker = None
            i = j + 1
            continue
        if line.strip():
            marker = None
        i += 1

    for failure in failures:
        print("FAIL:", failure)
    print(f"{blocks} cpp blocks, {outputs} outputs checked: {len(failures)} failures")
    sys.exit(1 if failures or blocks == 0 else 0)


if __name__ == "__main__":
    main()
