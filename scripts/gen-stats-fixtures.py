#!/usr/bin/env python3
"""Generates __tests__/fixtures/stats/scipy-reference.json: reference values from scipy for the statistics tests.

Run once (python3 with numpy and scipy) and commit the output; the TypeScript tests read the JSON and compare
mannWhitneyU, wilcoxonSignedRank, the Student t functions and the prediction interval with scipy to 1e-6 relative.

    python3 scripts/gen-stats-fixtures.py
"""
import json
import math
import os

import numpy as np
import scipy
from scipy import special, stats

OUT = os.path.join(os.path.dirname(__file__), "..", "__tests__", "fixtures", "stats", "scipy-reference.json")
rng = np.random.default_rng(20261122)


def vec(a, decimals=4):
    return [round(float(v), decimals) for v in a]


def mwu_method(x, y):
    """scipy 1.17 _mwu_choose_method: asymptotic if both > 8, else asymptotic if any tie, else exact."""
    if len(x) > 8 and len(y) > 8:
        return "asymptotic"
    xy = np.concatenate([x, y])
    return "asymptotic" if len(np.unique(xy)) < len(xy) else "exact"


def wilcoxon_method(d):
    """scipy 1.17 wilcoxon method='auto' as resolved in _wilcoxon_iv and _wilcoxon_nd."""
    d = np.asarray(d)
    if len(d) > 50:
        return "asymptotic"
    nz = np.abs(d[d != 0])
    ties = len(np.unique(nz)) < len(nz)
    zeros = np.any(d == 0)
    if not ties and not zeros:
        return "exact"
    return "permutation" if len(d) <= 13 else "asymptotic"


mwu = []


def add_mwu(name, x, y):
    x, y = vec(x), vec(y)
    res = stats.mannwhitneyu(x, y, alternative="two-sided")
    mwu.append({"name": name, "x": x, "y": y, "u": float(res.statistic), "p": float(res.pvalue), "method": mwu_method(np.array(x), np.array(y))})


for n1 in range(1, 9):
    for n2 in (1, 2, 3, 5, 8, 9, 12, 20):
        shift = rng.uniform(-1.5, 1.5)
        add_mwu(f"exact grid n1={n1} n2={n2}", rng.normal(0, 1, n1), rng.normal(shift, 1, n2))
for n in range(1, 51):
    add_mwu(f"equal sizes n={n}", rng.normal(100, 5, n), rng.normal(97, 5, n))
for n in range(1, 51):
    add_mwu(f"unbalanced n1={n} n2={51 - n}", rng.normal(50, 3, n), rng.normal(51, 3, 51 - n))
for n1, n2 in ((3, 4), (5, 5), (8, 8), (4, 12), (20, 20), (2, 30)):
    add_mwu(f"tied small integers n1={n1} n2={n2}", rng.integers(1, 5, n1), rng.integers(1, 5, n2))
for n1, n2 in ((50, 50), (100, 80), (9, 9)):
    add_mwu(f"tied half-steps n1={n1} n2={n2}", np.round(rng.normal(100, 4, n1) * 2) / 2, np.round(rng.normal(99, 4, n2) * 2) / 2)
add_mwu("identical constants n=6", [5.0] * 6, [5.0] * 6)
add_mwu("identical constants n=20", [42.5] * 20, [42.5] * 20)
same7 = rng.normal(10, 1, 7)
add_mwu("identical vectors n=7", same7, same7)
same15 = rng.normal(10, 1, 15)
add_mwu("identical vectors n=15", same15, same15)
for n1, n2 in ((1, 1), (1, 2), (2, 2), (4, 4), (5, 3), (8, 8), (8, 20), (3, 200), (8, 60)):
    add_mwu(f"disjoint n1={n1} n2={n2}", rng.uniform(0, 1, n1), rng.uniform(2, 3, n2))
    add_mwu(f"disjoint reversed n1={n1} n2={n2}", rng.uniform(2, 3, n1), rng.uniform(0, 1, n2))
for n1, n2 in ((30, 30), (100, 100), (300, 200)):
    add_mwu(f"disjoint large n1={n1} n2={n2}", rng.uniform(0, 1, n1), rng.uniform(2, 3, n2))
for n in (5, 10, 20):
    add_mwu(f"decode tok/s, 5% slower head, n={n}", rng.normal(100, 5, n), rng.normal(95, 5, n))
    add_mwu(f"ttft ms with an outlier, n={n}", np.append(rng.normal(40, 2, n - 1), 400), rng.normal(42, 2, n))
add_mwu("interleaved n1=n2=4", [1, 3, 5, 7], [2, 4, 6, 8])
add_mwu("centre U = n1 n2 / 2, n1=n2=4", [1, 4, 5, 8], [2, 3, 6, 7])

wilcoxon = []


def add_wilcoxon(name, d):
    d = vec(d)
    res = stats.wilcoxon(d)
    wilcoxon.append({"name": name, "d": d, "statistic": float(res.statistic), "p": float(res.pvalue), "method": wilcoxon_method(d)})


for n in range(1, 51):
    add_wilcoxon(f"continuous n={n}", rng.normal(0.02, 0.05, n))
for n in (51, 55, 60, 80, 120):
    add_wilcoxon(f"continuous large n={n}", rng.normal(0.01, 0.05, n))
for n in (4, 5, 8, 13):
    add_wilcoxon(f"ties small n={n}", np.round(rng.normal(0.1, 0.3, n), 1))
for n, zeros in ((6, 1), (9, 2), (13, 3)):
    add_wilcoxon(f"zeros small n={n}", np.concatenate([rng.normal(0.05, 0.05, n - zeros), np.zeros(zeros)]))
for n in (14, 20, 30, 50):
    add_wilcoxon(f"ties large n={n}", np.round(rng.normal(0.2, 0.5, n), 1))
for n, zeros in ((20, 2), (40, 5), (70, 4)):
    add_wilcoxon(f"zeros large n={n}", np.concatenate([rng.normal(0.03, 0.05, n - zeros), np.zeros(zeros)]))
for n in (10, 20, 60):
    add_wilcoxon(f"all positive n={n}", rng.uniform(0.01, 0.1, n))
for n in (6, 10, 20):
    add_wilcoxon(f"log ratios of a 5% slowdown n={n}", np.log(1 + rng.normal(-0.05, 0.03, n)))

t_ppf = []
for df in (1, 2, 3, 4, 5, 6, 7, 9, 10, 15, 20, 30, 50, 100, 1000, 0.5, 2.5, 7.3):
    for p in (0.0001, 0.001, 0.01, 0.025, 0.05, 0.1, 0.25, 0.4, 0.49, 0.51, 0.6, 0.75, 0.9, 0.95, 0.975, 0.99, 0.995, 0.999, 0.9999):
        t_ppf.append({"p": p, "df": df, "t": float(stats.t.ppf(p, df))})

t_sf = []
for df in (1, 2, 3, 5, 10, 30, 100, 2.5):
    for t in (-5, -2, -0.5, 0, 0.1, 0.5, 1, 2, 3, 5, 10, 30, 100):
        t_sf.append({"t": t, "df": df, "sf": float(stats.t.sf(t, df))})

norm_sf = [{"z": z, "sf": float(special.ndtr(-z))} for z in (-8, -3, -1, -0.1, 0, 0.5, 1, 1.96, 3, 5, 8, 12, 20, 30, 37)]

betainc = []
for a, b in ((0.5, 0.5), (1, 1), (2, 5), (5, 0.5), (0.5, 50), (50, 0.5), (100, 120)):
    for x in (1e-6, 0.01, 0.2, 0.5, 0.8, 0.999):
        betainc.append({"x": x, "a": a, "b": b, "value": float(special.betainc(a, b, x))})

prediction = []
for k in (2, 3, 4, 5, 10):
    medians = vec(rng.normal(100, 6, k))
    m, sd = float(np.mean(medians)), float(np.std(medians, ddof=1))
    for confidence in (0.9, 0.95, 0.99):
        low, high = stats.t.interval(confidence, k - 1, loc=m, scale=sd * math.sqrt(1 + 1 / k))
        head = round(m - 2.5 * sd, 4)
        p = 2 * stats.t.sf(abs(head - m) / (sd * math.sqrt(1 + 1 / k)), k - 1)
        prediction.append({"name": f"k={k} confidence={confidence}", "values": medians, "confidence": confidence,
                           "low": float(low), "high": float(high), "head": head, "p": float(p)})

doc = {
    "generated_by": "scripts/gen-stats-fixtures.py",
    "scipy": scipy.__version__,
    "numpy": np.__version__,
    "mannwhitneyu": mwu,
    "wilcoxon": wilcoxon,
    "t_ppf": t_ppf,
    "t_sf": t_sf,
    "norm_sf": norm_sf,
    "betainc": betainc,
    "prediction_interval": prediction,
}
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    # One table row a line: small enough to review, and a diff shows which vectors changed.
    f.write("{\n")
    for i, (key, value) in enumerate(doc.items()):
        sep = "," if i < len(doc) - 1 else ""
        if isinstance(value, list):
            rows = ",\n".join("  " + json.dumps(row, separators=(",", ":")) for row in value)
            f.write(f"{json.dumps(key)}: [\n{rows}\n]{sep}\n")
        else:
            f.write(f"{json.dumps(key)}: {json.dumps(value)}{sep}\n")
    f.write("}\n")
print(f"wrote {os.path.relpath(OUT)}: {len(mwu)} Mann-Whitney, {len(wilcoxon)} Wilcoxon, {len(t_ppf)} t quantiles, "
      f"{len(t_sf)} t tails, {len(norm_sf)} normal tails, {len(betainc)} incomplete betas, {len(prediction)} prediction intervals")
