#!/usr/bin/env python3
"""The article's poller, end to end and for real: examples/api_poller.cpp against tools/flaky_server over HTTP on
127.0.0.1, with a fault schedule that hits every fault kind, one SIGKILL mid-crawl and restarts; a real Prometheus
(tools/get-prometheus.sh) scrapes the poller's /metrics throughout, and every panel of examples/grafana/grit.json
must return data.

What is checked (each printed with its counts):
  - all 100 posts exactly once, in order, in posts.json (and the same as the server's fault-free answer);
  - at most one page fetched twice after the kill (a page whose full answer the poller received in two runs);
  - every served request, fault or not, against what the poller logged for it: a retry_scheduled line with the
    failure's type and wait for each retried failure, a gave_up line when the attempts ran out, a 429's wait equal to
    its Retry-After (seconds: exactly, to the log's millisecond; HTTP-date: the date minus the time it was served),
    the backoff for a 429 whose Retry-After is malformed, no retry after a 404, a malformed body or a Retry-After past
    the page's deadline;
  - the /metrics counts of each completed run (its --metrics-file) against the same model;
  - a corrupt and a half-written checkpoint are detected, and exactly those pages are fetched again.

--scenario=kill-after-answer (CTest e2e.poller_kill_after_answer) is the other window for a crash: SIGKILL as soon
as the server has answered page 4, so that the poller dies between receiving a page and saving it; the next run must
fetch exactly the pages answered but not saved (at most one) and read the others back.

The async poller (examples/async_poller.cpp, CTest e2e.async_poller*) runs the same checks with two switches:
--no-prometheus (it serves no /metrics: no Prometheus and no dashboard queries; its --metrics-file counts are still
checked against the model) and --timeout-error-type=grit::asio::AttemptTimedOut (a read timeout is grit's
attempt::Timeout there, not the client's poller::TimeoutError).

Bounded (DEADLINE_S in all; each process has its own timeout), loopback only, every process ended by its pid.
Exit 77 (CTest: skipped) if a tool is missing, except under CI=true, where that is a failure.
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from testprocs import end, finish, get_json, missing, prometheus_binary  # noqa: E402
from testprocs import poll as poll_until  # noqa: E402
from testprocs import start_prometheus as start_prometheus_until  # noqa: E402  (after the path is set)

DEADLINE_S = 100.0

# The poller's settings: short waits, so the crawl takes seconds.
ATTEMPTS, TIMEOUT_S, INITIAL_S, MAX_S, JITTER_S, READ_TIMEOUT_S = 5, 10.0, 0.05, 0.4, 0.01, 0.5
POLLER_FLAGS = [f"--attempts={ATTEMPTS}", f"--timeout={TIMEOUT_S}", f"--backoff-initial={INITIAL_S}",
                f"--backoff-max={MAX_S}", f"--jitter={JITTER_S}", f"--read-timeout={READ_TIMEOUT_S}", "--delay=0",
                "--limit=10"]

# PAGE.NTH:KIND[:ARG] (tools/flaky_server/flaky_server.hpp). Run 1 is killed during page 5's wait; run 2 misses
# pages 7 (404), 8 (503 until the attempts run out), 9 (malformed) and 10 (Retry-After past the deadline); run 3
# fetches them.
FAULTS = [
    "1.1:503",
    "2.1:429:1",
    "3.1:500", "3.2:slow:2000", "3.3:close",
    "4.1:429:date+1",
    "5.1:429:1",                      # the kill comes during this wait
    "6.1:429:-5", "6.2:429:99999999999", "6.3:429:soon",  # malformed Retry-After: the backoff
    "7.1:404",
    "8.1:503", "8.2:503", "8.3:503", "8.4:503", "8.5:503",  # ATTEMPTS of them: a give-up
    "9.1:malformed",
    "10.1:429:30",                    # past the 10 s deadline: give up at once
]
EXPECTED_KINDS = {"503", "500", "429 seconds", "429 date", "429 malformed", "429 past deadline", "slow", "close",
                  "malformed", "404"}
ERROR_TYPE = {"503": "poller::ServerError", "500": "poller::ServerError", "429": "poller::RateLimited",
              "slow": "poller::TimeoutError", "close": "poller::ConnectionError"}

start = time.monotonic()
failures = []
notes = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)
    return ok




def time_left():
    return DEADLINE_S - (time.monotonic() - start)






def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def logfmt(line):
    return {k: v.strip('"') for k, v in re.findall(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)', line)}


class Run:
    """One run of the poller; stderr read on a thread (so the pipe never fills), kill_when tested on each line."""

    def __init__(self, name, poller, args, kill_when=None):
        self.name, self.lines, self.killed = name, [], False
        self.process = subprocess.Popen([poller] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        print(f"{name}: poller pid {self.process.pid}")
        self.reader = threading.Thread(target=self._read, args=(kill_when,), daemon=True)
        self.reader.start()

    def _read(self, kill_when):
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))
            if kill_when and not self.killed and kill_when(self.lines):
                os.kill(self.process.pid, signal.SIGKILL)
                self.killed = True

    def wait(self, timeout):
        try:
            self.process.wait(timeout=max(1.0, timeout))
            self.stdout = self.process.stdout.read()  # a few lines: never enough to fill the pipe
        except subprocess.TimeoutExpired:
            end(self.process, self.name)
            raise RuntimeError(f"{self.name} did not finish in {timeout:.0f} s")
        self.reader.join(timeout=5)
        return self.process.returncode


def read_server_log(path, since, until):
    """The requests that arrived between two times (a line is written when its answer is done: a slow one late)."""
    with open(path) as f:
        requests = [json.loads(line) for line in f if line.endswith("\n")]  # not a line being written
    return sorted((r for r in requests if since <= r["t"] < until), key=lambda r: r["n"])


def kind_of(request):
    fault, arg = request["fault"], request["arg"]
    if fault != "429":
        return fault or "ok"
    if arg.startswith("date+"):
        return "429 date"
    if re.fullmatch(r"\d+", arg) and int(arg) <= 86400:
        return "429 past deadline" if int(arg) > TIMEOUT_S else "429 seconds"
    return "429 malformed"


def expected_events(requests):
    """What the poller must log for one page's requests in one run, from the rules of examples/api_poller.cpp."""
    events = []
    for i, r in enumerate(requests, start=1):
        kind = kind_of(r)
        if kind == "ok":
            if i > 1:
                events.append(("succeeded", i))
            events.append(("saved",))
            return events, i
        if kind in ("404", "malformed", "429 past deadline"):
            events.append(("failed", kind == "429 past deadline"))
            return events, i
        error_type = ERROR_TYPE[r["fault"]]
        if i == ATTEMPTS:
            events.append(("gave_up", error_type, "attempts"))
            events.append(("failed", True))
            return events, i
        events.append(("retry", error_type, i, r))
    return events, len(requests)


def actual_events(lines):
    """The poller's and grit's lines, per page fetched: {page: [events]} in order."""
    pages, page = {}, None
    for line in lines:
        f = logfmt(line)
        event = f.get("event")
        if event == "page_fetch":
            page = int(f["page"])
            pages[page] = []
        elif page is None:
            continue
        elif event == "grit.retry_scheduled":
            pages[page].append(("retry", f["error_type"], int(f["retry_num"]), float(f["wait_for"])))
        elif event == "grit.gave_up":
            pages[page].append(("gave_up", f["error_type"], f["reason"]))
        elif event == "grit.succeeded_after_retries":
            pages[page].append(("succeeded", int(f["attempts"])))
        elif event == "page_saved":
            pages[page].append(("saved",))
        elif event == "page_failed":
            pages[page].append(("failed", f["retried"] == "true"))
        elif event == "done":
            pages[page].append(("done",))
    return pages


def compare_run(name, lines, requests, killed, tally, model_metrics):
    """Checks each page's logged events against the server's log of that run; adds to tally and model_metrics."""
    by_page = {}
    for r in requests:
        by_page.setdefault(r["page"], []).append(r)
    actual = actual_events(lines)
    ok = True
    for page, reqs in sorted(by_page.items()):
        got = actual.get(page)
        if got is None:
            ok = check(False, f"{name}: page {page} was served {len(reqs)} requests but never logged as fetched")
            continue
        if reqs and reqs[0]["fault"] == "" and not any(r["fault"] for r in reqs) and got == [("done",)]:
            continue  # the empty page past the end
        want, used = expected_events(reqs)
        if used != len(reqs):
            ok = check(False, f"{name}: page {page}: {len(reqs) - used} requests after the poller should have stopped")
        complete = not (killed and page == max(by_page))
        if complete and len(want) != len(got):
            ok = check(False, f"{name}: page {page}: logged {got}, expected {want}")
            continue
        for w, g in zip(want, got):
            if w[0] != g[0]:
                ok = check(False, f"{name}: page {page}: logged {g}, expected {w}")
                break
            if w[0] == "retry":
                _, error_type, n, r = w
                kind = kind_of(r)
                wait = g[3]
                if kind == "429 seconds":
                    good = abs(wait - float(r["arg"])) < 0.0005
                    tally.setdefault("429 waits", []).append(f"Retry-After {r['arg']} -> wait_for {wait:.3f}")
                elif kind == "429 date":
                    asked = r["retry_after_epoch"] - r["t"]
                    good = abs(wait - asked) < 0.2  # the client reads the date a moment after it was served
                    tally.setdefault("429 waits", []).append(
                        f"Retry-After {r['retry_after']!r} ({asked:.3f} s after it was served) -> wait_for {wait:.3f}")
                else:
                    low = min(MAX_S, INITIAL_S * 2 ** (n - 1))
                    high = min(MAX_S, INITIAL_S * 2 ** (n - 1) + JITTER_S)
                    good = low - 0.0005 <= wait <= high + 0.0005
                    if kind == "429 malformed":
                        tally.setdefault("429 waits", []).append(
                            f"Retry-After {r['arg']!r} (malformed) -> backoff wait_for {wait:.3f}")
                if g[1] != error_type or g[2] != n or not good:
                    ok = check(False, f"{name}: page {page}: logged {g[:3]} wait {wait}, expected {error_type} "
                                      f"retry {n} ({kind})")
                model_metrics["retries"][error_type] = model_metrics["retries"].get(error_type, 0) + 1
                model_metrics["wait"] += wait
            elif w[0] == "gave_up":
                if g[1:] != w[1:]:
                    ok = check(False, f"{name}: page {page}: logged {g}, expected {w}")
                model_metrics["gave_up"][(w[1], w[2])] = model_metrics["gave_up"].get((w[1], w[2]), 0) + 1
            elif w[0] == "succeeded":
                if g != w:
                    ok = check(False, f"{name}: page {page}: logged {g}, expected {w}")
                model_metrics["succeeded"] += 1
            elif w != g:
                ok = check(False, f"{name}: page {page}: logged {g}, expected {w}")
        for i, r in enumerate(reqs[:used], start=1):
            kind = kind_of(r)
            if kind != "ok":
                entry = tally.setdefault(kind, {"served": 0, "handled": []})
                entry["served"] += 1
                nxt = "retried" if i < used else ("page skipped, not retried" if kind in (
                    "404", "malformed", "429 past deadline") else "gave up (attempts)")
                if killed and page == max(by_page) and i == used:
                    nxt = "killed during the wait"
                entry["handled"].append(f"{name} page {page} request {i}: {nxt}")
    check(ok, f"{name}: every request served ({len(requests)}) matches the poller's log lines")


def parse_metrics(path):
    values = {}
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            m = re.fullmatch(r"(\w+)(?:\{(.*)\})? (\S+)\n?", line)
            labels = tuple(sorted(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2) or "")))
            values[(m.group(1), labels)] = float(m.group(3))
    return values


def compare_metrics(name, path, model):
    got = parse_metrics(path)
    want = {}
    for error_type, n in model["retries"].items():
        want[("grit_retries_total", (("callable", "fetch_page"), ("error_type", error_type)))] = n
    for (error_type, reason), n in model["gave_up"].items():
        want[("grit_gave_up_total", (("callable", "fetch_page"), ("error_type", error_type), ("reason", reason)))] = n
    if model["succeeded"]:
        want[("grit_succeeded_after_retries_total", (("callable", "fetch_page"),))] = model["succeeded"]
    wait_key = ("grit_retry_wait_seconds_total", (("callable", "fetch_page"),))
    wait = got.pop(wait_key, 0.0)
    check(got == want, f"{name}: /metrics counts {sorted((k[0], dict(k[1]).get('error_type', ''), dict(k[1]).get('reason', ''), v) for k, v in got.items())} "
                       f"match the faults served")
    # The log has 3 decimals per wait; the counter the exact sum.
    n = sum(model["retries"].values())
    check(abs(wait - model["wait"]) <= 0.0005 * n + 1e-9,
          f"{name}: grit_retry_wait_seconds_total {wait:.4f} = the log's waits {model['wait']:.3f} (+-0.5 ms each)")


def new_model():
    return {"retries": {}, "gave_up": {}, "succeeded": 0, "wait": 0.0}


def start_prometheus(prometheus_bin, work, target):
    return start_prometheus_until(prometheus_bin, work, "poller", target, time.monotonic() + min(20, time_left()))


def poll(what, probe, limit=None):
    return poll_until(what, probe, time.monotonic() + min(limit or time_left(), time_left()))


def kill_after_answer(args, page=4):
    """The other window for a crash: SIGKILL as soon as the server has answered page 4 in full, so that the kill lands
    just before the poller saves it or just after; either way, at most that one page is fetched twice."""
    work = tempfile.mkdtemp(prefix="grit-e2e-kill-")
    server = None
    runs = []
    try:
        server_log = os.path.join(work, "server.jsonl")
        server = subprocess.Popen([args.server, f"--log={server_log}", f"--lifetime={int(DEADLINE_S) + 10}"],
                                  stdout=subprocess.PIPE, text=True)
        m = re.fullmatch(r"listening on (127\.0\.0\.1:\d+)\n", server.stdout.readline())
        if not m:
            raise RuntimeError("the server did not start")
        print(f"flaky server pid {server.pid}")
        common = [f"--url=http://{m.group(1)}/posts", f"--checkpoint-dir={work}/checkpoints", "--metrics-port=-1"] + \
            POLLER_FLAGS
        run1 = Run("run 1", args.poller, common)
        runs.append(run1)
        stop_at = time.monotonic() + min(20, time_left())
        while run1.process.poll() is None and time.monotonic() < stop_at:  # watch the server's log
            if any(r["page"] == page and r["fault"] == "" for r in read_server_log(server_log, 0, time.time() + 1)):
                os.kill(run1.process.pid, signal.SIGKILL)
                run1.killed = True
                break
            time.sleep(0.0005)
        rc = run1.wait(min(20, time_left()))
        t1 = time.time()
        saved = os.path.exists(os.path.join(work, "checkpoints", f"page-{page:04d}.json"))
        check(run1.killed and rc == -signal.SIGKILL, f"run 1 SIGKILLed once page {page} was answered (exit {rc}); its "
                                                     f"checkpoint {'was' if saved else 'was not yet'} written")
        # The pages answered in run 1 but not saved when it died (page 4 or none; page 5 if the kill came late).
        lost = sorted({r["page"] for r in read_server_log(server_log, 0, t1) if r["fault"] == "" and 1 <= r["page"] <= 10
                       and not os.path.exists(os.path.join(work, "checkpoints", f"page-{r['page']:04d}.json"))})
        run2 = Run("run 2", args.poller, common)
        runs.append(run2)
        rc = run2.wait(min(30, time_left()))
        with open(os.path.join(work, "checkpoints", "posts.json")) as f:
            ids = [p["id"] for p in json.load(f)]
        check(rc == 0 and ids == list(range(1, 101)), f"run 2 exit {rc}: {len(ids)} posts, ids 1..100 in order")
        good = {}
        for r in read_server_log(server_log, 0, time.time() + 1):
            if r["fault"] == "" and 1 <= r["page"] <= 10:
                good[r["page"]] = good.get(r["page"], 0) + 1
        twice = sorted(p for p, n in good.items() if n > 1)
        check(sorted(good) == list(range(1, 11)) and len(twice) <= 1 and max(good.values()) <= 2,
              f"pages fetched twice after the kill: {len(twice)} {twice}")
        check(twice == lost, f"the pages answered but not saved before the kill ({lost}) and only they were fetched "
                             f"again; saved pages were read back")
    except Exception as e:  # noqa: BLE001 - reported as a failure
        failures.append(f"{type(e).__name__}: {e}")
        for run in runs:
            print(f"--- {run.name} stderr (last 30 lines):\n" + "\n".join(run.lines[-30:]), file=sys.stderr)
    finally:
        for run in runs:
            end(run.process, run.name)
        end(server, "flaky server")
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", default="")
    parser.add_argument("--poller", default="")
    parser.add_argument("--get-prometheus", default="")
    parser.add_argument("--dashboard", default="")
    parser.add_argument("--scenario", default="faults", choices=["faults", "kill-after-answer"])
    parser.add_argument("--no-prometheus", action="store_true",
                        help="the poller serves no /metrics: no Prometheus, no dashboard queries (--metrics-file "
                             "counts are still checked)")
    parser.add_argument("--timeout-error-type", default=ERROR_TYPE["slow"],
                        help="the error_type logged and counted for an answer past the read timeout")
    args = parser.parse_args()
    ERROR_TYPE["slow"] = args.timeout_error_type
    for tool in (args.server, args.poller):
        if not tool or not os.access(tool, os.X_OK):
            missing("the flaky server or the poller was not built (cpp-httplib or nlohmann-json missing?)")
    if args.scenario == "kill-after-answer":
        kill_after_answer(args)
        print(f"wall time {time.monotonic() - start:.1f} s")
        for failure in failures:
            print("FAIL:", failure, file=sys.stderr)
        sys.exit(1 if failures else 0)
    prometheus_bin = None
    if not args.no_prometheus:
        prometheus_bin = prometheus_binary(args.get_prometheus)

    work = tempfile.mkdtemp(prefix="grit-e2e-")
    server = prometheus = None
    runs = []
    try:
        server_log = os.path.join(work, "server.jsonl")
        server = subprocess.Popen([args.server, f"--log={server_log}", f"--lifetime={int(DEADLINE_S) + 10}"] +
                                  [f"--fault={f}" for f in FAULTS], stdout=subprocess.PIPE, text=True)
        line = server.stdout.readline()
        m = re.fullmatch(r"listening on (127\.0\.0\.1:\d+)\n", line)
        if not m:
            raise RuntimeError(f"server said {line!r}")
        url = f"http://{m.group(1)}/posts"
        print(f"flaky server pid {server.pid} at {url}")

        ck = os.path.join(work, "checkpoints")
        if args.no_prometheus:
            common = [f"--url={url}", f"--checkpoint-dir={ck}", "--metrics-port=-1"] + POLLER_FLAGS
        else:
            metrics_port = free_port()  # the same for every run: one Prometheus target, counters reset at each restart
            prometheus, prom = start_prometheus(prometheus_bin, work, f"127.0.0.1:{metrics_port}")
            print(f"prometheus at {prom}, scraping 127.0.0.1:{metrics_port}")
            common = [f"--url={url}", f"--checkpoint-dir={ck}", f"--metrics-port={metrics_port}", "--await-scrape"] + \
                POLLER_FLAGS

        tally = {}

        # Run 1: SIGKILL while page 5 waits for its Retry-After.
        def page5_waiting(lines):
            return lines[-1].find("event=grit.retry_scheduled") >= 0 and any(
                "event=page_fetch page=5" in l for l in lines)

        t0 = time.time()
        run1 = Run("run 1", args.poller, common + [f"--metrics-file={work}/metrics1.txt"], kill_when=page5_waiting)
        runs.append(run1)
        rc = run1.wait(min(40, time_left()))
        check(run1.killed and rc == -signal.SIGKILL, f"run 1 was SIGKILLed mid-crawl (exit {rc}), during page 5's wait")
        t1 = time.time()
        requests1 = read_server_log(server_log, t0, t1)
        compare_run("run 1", run1.lines, requests1, True, tally, new_model())

        # Run 2: resumes at page 5; misses 7, 8, 9 and 10.
        run2 = Run("run 2", args.poller, common + [f"--metrics-file={work}/metrics2.txt"])
        runs.append(run2)
        rc = run2.wait(min(40, time_left()))
        t2 = time.time()
        requests2 = read_server_log(server_log, t1, t2)
        resumed = [int(logfmt(l)["page"]) for l in run2.lines if "event=page_resumed" in l]
        first_fetch = next(int(logfmt(l)["page"]) for l in run2.lines if "event=page_fetch" in l)
        check(resumed == [1, 2, 3, 4] and first_fetch == 5,
              f"run 2 read pages {resumed} back from their checkpoints and resumed at page {first_fetch}")
        incomplete = [logfmt(l) for l in run2.lines if "event=incomplete" in l]
        check(rc == 2 and incomplete and incomplete[0]["missing"] == "7,8,9,10",
              f"run 2 exit {rc}, missing pages {incomplete[0]['missing'] if incomplete else None} (expected 7,8,9,10)")
        model2 = new_model()
        compare_run("run 2", run2.lines, requests2, False, tally, model2)
        compare_metrics("run 2", f"{work}/metrics2.txt", model2)

        # Run 3: fetches the missing pages; complete.
        run3 = Run("run 3", args.poller, common + [f"--metrics-file={work}/metrics3.txt"])
        runs.append(run3)
        rc = run3.wait(min(40, time_left()))
        t3 = time.time()
        requests3 = read_server_log(server_log, t2, t3)
        fetched3 = sorted({r["page"] for r in requests3})
        check(rc == 0 and fetched3 == [7, 8, 9, 10, 11], f"run 3 exit {rc}, fetched pages {fetched3} only")
        model3 = new_model()
        compare_run("run 3", run3.lines, requests3, False, tally, model3)
        compare_metrics("run 3", f"{work}/metrics3.txt", model3)
        print("run 3 stdout:\n  " + run3.stdout.strip().replace("\n", "\n  "))

        with open(os.path.join(ck, "posts.json")) as f:
            posts = json.load(f)
        ids = [p["id"] for p in posts]
        check(ids == list(range(1, 101)), f"posts.json: {len(posts)} posts, ids 1..100 exactly once, in order")

        # Full answers received per page (a fault-free 200, or a slow one the poller waited for: none here).
        good = {}
        for r in requests1 + requests2 + requests3:
            if r["fault"] == "" and 1 <= r["page"] <= 10:
                good[r["page"]] = good.get(r["page"], 0) + 1
        twice = [p for p, n in good.items() if n > 1]
        check(sorted(good) == list(range(1, 11)) and len(twice) <= 1 and all(n <= 2 for n in good.values()),
              f"pages fetched in full: {len(good)}; fetched twice after the kill: {len(twice)} {twice}")
        notes.append(f"pages fetched twice after the kill: {len(twice)}")

        # The 404 and malformed pages: one request each in the run that met them.
        for kind in ("404", "malformed"):
            reqs = [r for r in requests1 + requests2 if kind_of(r) == kind]
            later = [r for r in requests2 if reqs and r["page"] == reqs[0]["page"]]
            check(len(reqs) == 1 and len(later) == 1, f"{kind}: served once (page {reqs[0]['page'] if reqs else '?'}), "
                                                      f"not retried in that run")

        served = set(tally) - {"429 waits"}
        check(EXPECTED_KINDS <= served, f"every fault kind was served: {sorted(served)}")
        print("fault kinds, as served and handled:")
        for kind in sorted(served):
            print(f"  {kind}: served {tally[kind]['served']}")
            for h in tally[kind]["handled"]:
                print(f"      {h}")
        print("429 waits:")
        for w in tally.get("429 waits", []):
            print(f"  {w}")

        # The dashboard: each panel's PromQL, on the real Prometheus that scraped every run (not for a poller
        # without /metrics).
        if args.no_prometheus:
            print("no Prometheus: this poller serves no /metrics (its --metrics-file counts were checked)")
        else:
            with open(args.dashboard) as f:
                dashboard = json.load(f)
            exprs = [(p["title"], t["expr"]) for p in dashboard["panels"] for t in p["targets"]]
            subst = {"$__rate_interval": "1m", "$__range": "5m", "$__interval": "1s", "$callable": ".*"}
            for title, expr in exprs:
                query = expr
                for k, v in subst.items():
                    query = query.replace(k, v)
                url_q = prom + "/api/v1/query?" + urllib.parse.urlencode({"query": query})
                try:
                    result = poll(f"data for {title!r}", lambda: get_json(url_q)["data"]["result"] or None, limit=10)
                except RuntimeError:
                    result = []
                shown = ", ".join(f"{r['metric']}={float(r['value'][1]):.3g}" for r in result)
                check(bool(result), f"dashboard panel {title!r}: {query} -> {shown or 'no data'}")
                if "increase(grit_gave_up_total" in query and result and float(result[0]["value"][1]) == 0:
                    print("     (0: the series appeared with its first give-up, at 1, and Prometheus counts no "
                          "increase from a series' first sample)")
            # And the counts Prometheus holds: the give-up of run 2, the retries of every run.
            q = 'max_over_time(grit_gave_up_total{reason="attempts"}[5m])'
            result = get_json(prom + "/api/v1/query?" + urllib.parse.urlencode({"query": q}))["data"]["result"]
            check(len(result) == 1 and float(result[0]["value"][1]) == 1, f"prometheus: {q} = "
                  f"{[r['value'][1] for r in result]} (run 2 gave up once)")

        # Run 4: a corrupt checkpoint (valid JSON, a changed title) and a half-written one, and a stray temporary.
        with open(os.path.join(ck, "posts.json")) as f:
            before = f.read()
        p3, p6 = os.path.join(ck, "page-0003.json"), os.path.join(ck, "page-0006.json")
        with open(p3) as f:
            text = f.read()
        with open(p3, "w") as f:
            f.write(text[: len(text) // 2])
        saved6 = json.load(open(p6))
        saved6["posts"][0]["title"] = "tampered"
        with open(p6, "w") as f:
            json.dump(saved6, f)
        with open(os.path.join(ck, ".page-0002.json.tmp"), "w") as f:
            f.write('{"format": "grit-poller-')
        run4 = Run("run 4", args.poller, [f"--url={url}", f"--checkpoint-dir={ck}", "--metrics-port=-1"] +
                   POLLER_FLAGS)
        runs.append(run4)
        rc = run4.wait(min(30, time_left()))
        requests4 = read_server_log(server_log, t3, time.time())
        invalid = {int(logfmt(l)["page"]): logfmt(l)["reason"] for l in run4.lines if "checkpoint_invalid" in l}
        fetched4 = sorted(r["page"] for r in requests4)
        with open(os.path.join(ck, "posts.json")) as f:
            after = f.read()
        check(rc == 0 and invalid == {3: "does not parse", 6: "checksum mismatch"} and fetched4 == [3, 6, 11] and
              after == before, f"run 4: invalid checkpoints {invalid}, fetched pages {fetched4}, posts.json "
                               f"{'unchanged' if after == before else 'CHANGED'}")

        # The server's own answer, fault-free, is what the poller assembled.
        with urllib.request.urlopen(url + "?_page=1&_limit=100", timeout=5) as response:
            check(json.load(response) == json.loads(before), "posts.json equals the server's 100 posts")
    except Exception as e:  # noqa: BLE001 - reported as a failure
        failures.append(f"{type(e).__name__}: {e}")
        for run in runs:
            print(f"--- {run.name} stderr (last 30 lines):\n" + "\n".join(run.lines[-30:]), file=sys.stderr)
    finally:
        for run in runs:
            end(run.process, run.name)
        end(prometheus, "prometheus")
        end(server, "flaky server")
        shutil.rmtree(work, ignore_errors=True)

    finish(failures, start)


if __name__ == "__main__":
    main()
