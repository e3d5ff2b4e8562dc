"""What the Python test drivers (tests/observability, tests/e2e, tests/docs) share: a missing tool, a process ended by
its id, a JSON GET, a bounded poll, a real Prometheus, and the end of a run."""

import json
import os
import re
import signal
import subprocess
import sys
import threading
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


def poll(what, probe, deadline):
    """Calls probe() until it returns something other than None, up to time.monotonic() == deadline. A real server
    is waited for here, in real time (never grit: its tests drive virtual clocks)."""
    while time.monotonic() < deadline:
        try:
            result = probe()
            if result is not None:
                return result
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"timed out waiting for {what}")


def prometheus_binary(get_prometheus):
    """The prometheus binary that tools/get-prometheus.sh unpacked from Debian's package (never installed)."""
    got = subprocess.run(["bash", get_prometheus], capture_output=True, text=True)
    binary = os.path.join(got.stdout.strip(), "prometheus")
    if got.returncode != 0 or not os.access(binary, os.X_OK):
        print(got.stderr, file=sys.stderr)
        missing("prometheus could not be had from Debian's package")
    return binary


def start_prometheus(binary, work, job, target, deadline):
    """A real Prometheus on 127.0.0.1 at an ephemeral port, scraping `target` every second as `job`, its data in
    `work`. Returns (process, base URL) once /-/ready answers. Its port is in its log (msg="Listening on"
    address=127.0.0.1:NNNNN), read on a thread so that the pipe never fills up."""
    config = os.path.join(work, "prometheus.yml")
    with open(config, "w") as f:
        f.write("global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}\n"
                f"scrape_configs:\n  - job_name: {job}\n"
                f"    static_configs: [{{targets: ['{target}']}}]\n")
    process = subprocess.Popen(
        [binary, f"--config.file={config}", f"--storage.tsdb.path={os.path.join(work, 'data')}",
         "--web.listen-address=127.0.0.1:0", "--log.level=info"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    print(f"prometheus pid {process.pid}")
    found, port_found, log_lines = {}, threading.Event(), []

    def read_log():
        for line in process.stderr:
            log_lines.append(line)
            m = re.search(r'msg="Listening on" address=127\.0\.0\.1:(\d+)', line)
            if m and not port_found.is_set():
                found["port"] = int(m.group(1))
                port_found.set()

    threading.Thread(target=read_log, daemon=True).start()
    if not port_found.wait(timeout=max(0.0, deadline - time.monotonic())):
        end(process, "prometheus")
        raise RuntimeError("prometheus never said where it listens:\n" + "".join(log_lines[-20:]))
    base = f"http://127.0.0.1:{found['port']}"
    try:
        poll("prometheus /-/ready", lambda: urllib.request.urlopen(base + "/-/ready", timeout=1).status == 200 or None,
             deadline)
    except RuntimeError:
        end(process, "prometheus")
        raise
    return process, base
