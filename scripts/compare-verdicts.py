#!/usr/bin/env python3
"""Two recordings of the same matrix, verdict by verdict: each comparison's class and
ratio [95 % interval] in both (from `report --format json`), the contradictions (a
comparison decided one way in one and another way in the other) and the share decided.

    BIN=target/release/netio-tui python3 scripts/compare-verdicts.py A.csv B.csv
"""
import json, os, subprocess, sys
def comps(f):
    v = json.loads(subprocess.check_output([os.environ.get("BIN", "target/release/netio-tui"), "report", f, "--format", "json"]))
    out = {}
    for c in v["comparisons"]:
        k = (c["cell"]["workload"], c["cell"]["size_bytes"], c["cell"]["threads"], c["a"], c["b"])
        out[k] = (c["class"], c["ratio"], c["lo"], c["hi"])
    return out
a, b = comps(sys.argv[1]), comps(sys.argv[2])
contra = 0
for k in sorted(a):
    ca, cb = a[k][0], b.get(k, ("missing",))[0]
    decided = lambda c: c in ("faster", "slower", "equivalent")
    bad = decided(ca) and decided(cb) and ca != cb
    contra += bad
    print(f"{k[1]:>8} {k[3]:>9} vs {k[4]:<9} run1 {ca:<10} {a[k][1]:.2f} [{a[k][2] or 0:.2f}-{a[k][3] or 0:.2f}]  run2 {cb:<10} {b[k][1]:.2f} [{b[k][2] or 0:.2f}-{b[k][3] or 0:.2f}] {'CONTRADICTION' if bad else ''}")
n = len(a); da = sum(1 for k in a if a[k][0] in ("faster","slower","equivalent")); db = sum(1 for k in b if b[k][0] in ("faster","slower","equivalent"))
print(f"contradictions: {contra}; decided run1 {da}/{n}, run2 {db}/{len(b)}")
