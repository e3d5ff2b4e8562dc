#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz harness (tests/fuzz/corpus/), one file per case, in harness.cpp's byte layout.

Each stop (Attempts and Timeout, Attempts, Timeout), wait (Exponential, Fixed, Linear) and jitter (None, Additive,
Full, Equal, Decorrelated) appears, with stamina-like values and failure scripts, plus a few edge cases (saturating
bases and durations, a Timeout given as double seconds, attempts at the deadline). Run it from anywhere:
    python3 tests/fuzz/make_seeds.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus")

STOPS = {"both": 0, "attempts": 1, "timeout": 2}
WAITS = {"exponential": 0, "fixed": 1, "linear": 2}
JITTERS = {"none": 0, "additive": 1, "full": 2, "equal": 3, "decorrelated": 4}


def ms(n):  # fuzzed_ns tag 3: u16 milliseconds
    return bytes([3]) + struct.pack("<H", n)


def us(n):  # tag 2: u16 microseconds
    return bytes([2]) + struct.pack("<H", n)


def near_max(k):  # tag 5: i64 max - u16
    return bytes([5]) + struct.pack("<H", k)


def case(stops, wait, jitter, attempts=None, timeout=None, wait_values=b"", additive=b"", seed=42, script=()):
    b = bytes([STOPS[stops] + 3 * WAITS[wait] + 9 * JITTERS[jitter]])
    if stops != "timeout":
        b += attempts if attempts is not None else bytes([1, 4])  # tag 1: 1 + (4 % 8) = 5 attempts
    if stops != "attempts":
        b += timeout if timeout is not None else bytes([1]) + ms(30000)  # not a double: 30 s
    b += wait_values
    if jitter == "additive":
        b += additive if additive else ms(1000)
    b += struct.pack("<Q", seed)
    for outcome, duration in script:
        b += bytes([outcome, duration])
    return b


# Script steps: (outcome byte, duration byte). Outcome byte o: o % 8 is 0-5 for a retried failure, 6 not retried,
# 7 success; if (o >> 3) % 4 == 3 the sink takes (o >> 5) * 100 ms to hear the retry (0x78: 300 ms).
# Duration byte t: t % 5 == 0 -> 0; 1 -> t ms; 2 -> t s; 3 -> t h; 4 -> i64 max (odd t) or the deadline (even t).
T0, T6ms, T2s, T12s = (0, 0), (0, 6), (0, 2), (0, 12)
FATAL, OK = (6, 0), (7, 0)
SLOW_SINK = (0x78, 6)  # a retried failure after 6 ms, and a sink that takes 300 ms

EXP = ms(100) + ms(5000) + bytes([1])  # Exponential<100ms, 5s, 2>
EXP_FRACTION = ms(100) + ms(10000) + bytes([3]) + struct.pack("<H", 32768)  # base 1.5
FIXED = ms(250)
LINEAR = ms(100) + ms(50) + ms(1000)

cases = {}
for jitter in JITTERS:
    cases[f"exponential_{jitter}_both"] = case("both", "exponential", jitter, wait_values=EXP,
                                               script=[T6ms, T6ms, T6ms, T6ms, T6ms, T6ms])
    cases[f"fixed_{jitter}_attempts"] = case("attempts", "fixed", jitter, wait_values=FIXED, script=[T0, T0, OK])
    cases[f"linear_{jitter}_timeout"] = case("timeout", "linear", jitter, wait_values=LINEAR,
                                             script=[T2s, T2s, T12s, T12s, T2s, T2s])
cases["exponential_fractional_base"] = case("both", "exponential", "additive", attempts=bytes([1, 7]),
                                            wait_values=EXP_FRACTION, script=[T6ms] * 9)
cases["exponential_base_1e30"] = case("attempts", "exponential", "none", wait_values=ms(100) + ms(5000) + bytes([4]),
                                      script=[T0] * 6)
cases["exponential_infinite_base"] = case("attempts", "exponential", "full",
                                          wait_values=ms(100) + ms(5000) + bytes([5]), script=[T0] * 6)
cases["exponential_near_max"] = case("attempts", "exponential", "additive", attempts=bytes([3]),
                                     wait_values=near_max(7) + near_max(0) + bytes([1]), additive=near_max(3),
                                     script=[T0] * 20)
cases["linear_saturating"] = case("attempts", "linear", "decorrelated", attempts=bytes([3]),
                                  wait_values=ms(1) + near_max(0) + near_max(0), script=[T0] * 10)
cases["not_retried_failure"] = case("both", "exponential", "additive", wait_values=EXP, script=[T6ms, T6ms, FATAL])
cases["slow_sink"] = case("both", "exponential", "additive", wait_values=EXP,
                          script=[SLOW_SINK, T6ms, SLOW_SINK, SLOW_SINK, OK])
cases["success_first"] = case("both", "fixed", "none", wait_values=FIXED, script=[OK])
cases["timeout_clamps_the_wait"] = case("timeout", "fixed", "none", timeout=bytes([1]) + ms(1000),
                                        wait_values=ms(700), script=[T0, T0, T0, T0])
cases["timeout_reached_by_an_attempt"] = case("both", "fixed", "none", timeout=bytes([1]) + ms(1000),
                                              wait_values=FIXED, script=[T0, (0, 4), T0])
cases["timeout_double_seconds"] = case("timeout", "exponential", "equal",
                                       timeout=bytes([0]) + struct.pack("<Q", 2 * 1500),  # even: 3000 % 100000 / 1000 s
                                       wait_values=EXP, script=[T6ms] * 12)
cases["timeout_microseconds"] = case("timeout", "exponential", "decorrelated", timeout=bytes([1]) + us(900),
                                     wait_values=us(10) + us(400) + bytes([1]), script=[T0] * 30)
cases["attempts_one"] = case("attempts", "exponential", "none", attempts=bytes([1, 0]), wait_values=EXP,
                             script=[T0, T0])
cases["many_attempts"] = case("attempts", "fixed", "full", attempts=bytes([0, 200]), wait_values=us(5),
                              script=[T0] * 120)

os.makedirs(OUT, exist_ok=True)
for name in os.listdir(OUT):
    os.remove(os.path.join(OUT, name))
for name, data in sorted(cases.items()):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
print(f"{len(cases)} seeds in {OUT}")
