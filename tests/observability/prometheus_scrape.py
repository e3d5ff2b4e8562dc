#!/usr/bin/env python3
"""A real Prometheus 2.42 scrapes grit's example exporter on 127.0.0.1; its query API must give back the exporter's
counts, a label value that needs escaping included.

Both processes listen on 127.0.0.1 at ephemeral ports (the exporter prints its port, Prometheus logs its own). The
Prometheus binary comes from tools/get-prometheus.sh (Debian's package unpacked, never installed: no service, port
9090 untouched), with its own config and a temporary data directory. Bounded: 40 s at most (Prometheus 2.42 applies
discovered targets on a 5 s tick, so the first scrape comes after about 5-6 s). Both processes are ended by their
process ids. Exit 77 (CTest: skipped) if a tool is missing, except under CI=true, where that is a failure.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from testprocs import end, finish, get_json, missing, poll, prometheus_binary, start_prometheus  # noqa: E402  (after the path is set)

DEADLINE_S = 40.0
ESCAPED = 'C:\\path "quoted"\nline'

# What examples/prometheus_exporter.cpp produces (see its header comment), as PromQL selector -> value.
EXPECTED = [
    ('grit_retries_total{callable="fetch_user",error_type="exporter::HttpError"}', 9),
    ('grit_succeeded_after_retries_total{callable="fetch_user"}', 5),
    ('grit_gave_up_total{callable="fetch_user",error_type="exporter::HttpError",reason="attempts"}', 2),
    ('grit_retry_wait_seconds_total{callable="fetch_user"}', 1.1),
    ('grit_retries_total{callable="C:\\\\path \\"quoted\\"\\nline",error_type="exporter::DbError"}', 1),
    ('grit_gave_up_total{callable="C:\\\\path \\"quoted\\"\\nline",reason="attempts"}', 1),
    ('grit_retries_total{callable="slow_query"}', 3),
    ('grit_gave_up_total{callable="slow_query",error_type="exporter::DbError",reason="timeout"}', 1),
    ('up{job="grit"}', 1),
]








def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--exporter", default="")
    parser.add_argument("--get-prometheus", required=True)
    parser.add_argument("--openmetrics", action="store_true", help="let the exporter answer in OpenMetrics")
    args = parser.parse_args()
    start = time.monotonic()

    if not args.exporter or not os.access(args.exporter, os.X_OK):
        missing("the exporter was not built (cpp-httplib missing?)")
    prometheus_bin = prometheus_binary(args.get_prometheus)

    work = tempfile.mkdtemp(prefix="grit-prometheus-")
    exporter = prometheus = None
    failures = []
    try:
        exporter_args = [args.exporter, f"--lifetime={int(DEADLINE_S) + 5}"]
        if args.openmetrics:
            exporter_args.append("--openmetrics")
        exporter = subprocess.Popen(exporter_args, stdout=subprocess.PIPE, text=True)
        line = exporter.stdout.readline()
        match = re.fullmatch(r"listening on 127\.0\.0\.1:(\d+)\n", line)
        if not match:
            raise RuntimeError(f"exporter said {line!r}")
        exporter_port = int(match.group(1))
        print(f"exporter pid {exporter.pid} on 127.0.0.1:{exporter_port}")

        prometheus, base = start_prometheus(prometheus_bin, work, "grit", f"127.0.0.1:{exporter_port}",
                                            start + DEADLINE_S)
        print(f"prometheus on {base}")

        def target_up():
            targets = get_json(base + "/api/v1/targets")["data"]["activeTargets"]
            for target in targets:
                if target["health"] == "down" and target.get("lastError"):
                    raise RuntimeError(f"scrape failed: {target['lastError']}")
            return True if targets and all(t["health"] == "up" for t in targets) else None

        if args.openmetrics:  # what Prometheus asked for is what it got
            request = urllib.request.Request(
                f"http://127.0.0.1:{exporter_port}/metrics",
                headers={"Accept": "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"})
            with urllib.request.urlopen(request, timeout=2) as response:
                content_type = response.headers["Content-Type"]
                body = response.read().decode()
            if not content_type.startswith("application/openmetrics-text") or not body.endswith("# EOF\n"):
                failures.append(f"the exporter did not answer in OpenMetrics: {content_type}")
            print(f"exporter answers {content_type}")

        poll("the target to be up", target_up, start + DEADLINE_S)
        print(f"target up after {time.monotonic() - start:.1f} s")

        for selector, want in EXPECTED:
            url = base + "/api/v1/query?" + urllib.parse.urlencode({"query": selector})
            result = get_json(url)["data"]["result"]
            if len(result) != 1:
                failures.append(f"{selector}: {len(result)} series, expected 1: {result}")
                continue
            value = float(result[0]["value"][1])
            status = "ok  " if abs(value - want) < 1e-9 else "FAIL"
            print(f"{status} {selector} = {result[0]['value'][1]} (expected {want})")
            if status == "FAIL":
                failures.append(f"{selector} = {value}, expected {want}")

        # The escaped label value comes back as the original text.
        result = get_json(base + "/api/v1/query?" + urllib.parse.urlencode(
            {"query": 'grit_retries_total{error_type="exporter::DbError",callable!="slow_query"}'}))["data"]["result"]
        callables = [r["metric"]["callable"] for r in result]
        print(f"{'ok  ' if callables == [ESCAPED] else 'FAIL'} escaped callable round trip: {callables!r}")
        if callables != [ESCAPED]:
            failures.append(f"escaped callable came back as {callables!r}, expected {[ESCAPED]!r}")
    except Exception as e:  # noqa: BLE001 - reported as a failure
        failures.append(f"{type(e).__name__}: {e}")
    finally:
        end(prometheus, "prometheus")
        end(exporter, "exporter")
        shutil.rmtree(work, ignore_errors=True)

    finish(failures, start)


if __name__ == "__main__":
    main()
