#!/usr/bin/env python3
"""Checks benchmarks/paper/reference.json against the paper's text: every quoted sentence appears in
it word for word, and every Table III and Table IV row's figures appear on one line of the table as
the text prints it. Exit status 1 on any mismatch.

    python3 benchmarks/paper/check.py ../shared/paper/000_8eeb5542bfd267ff.txt
"""
import json
import os
import sys


def main() -> int:
    text = open(sys.argv[1], encoding="utf-8").read()
    reference = json.load(open(os.path.join(os.path.dirname(__file__), "reference.json"), encoding="utf-8"))
    problems = []

    def quotes(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "quote" and value not in text:
                    problems.append(f"quote not in the paper: {value!r}")
                quotes(value)
        elif isinstance(node, list):
            for value in node:
                quotes(value)

    quotes(reference)
    lines = text.splitlines()
    for row in reference["table3"]["rows"]:
        figures = [row[k] for k in ("load_ms", "rescale_ms", "upload_ms", "compute_ms", "cpu_percent", "gpu_percent", "battery_mw", "memory_mb")]
        expected = "\t".join([row["mode"]] + [f"{value:.2f}" for value in figures])
        if expected not in lines:
            problems.append(f"Table III row not in the paper: {expected!r}")
    for row in reference["table4"]["rows"]:
        figures = [row["duration_ms"], row["gc_count"], row["gc_time_ms"], row["gc_pause_ms"]]
        line = next((l for l in lines if l.startswith(row["inference"] + "\t") and f"{row['gc_time_ms']:.2f}" in l), None)
        cells = line.split("\t") if line else []
        if not all(f"{value:.2f}" in cells or f"{value:g}" in cells for value in figures):
            problems.append(f"Table IV row not in the paper: {row['inference']} {row['phase']} {figures}")
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
