#!/usr/bin/env python3
"""Report any run of N (default 12) consecutive words shared by a content file and a seed.
Usage: python3 scripts/check-copy.py FILE_OR_DIR... [--n 12]"""
import os, re, sys
SEEDS = os.path.join(os.path.dirname(__file__), '..', '..', 'shared', 'seeds')
# The 2015 report's own title is cited, not copied: references must quote it exactly.
TITLE = "what are the characteristics of customer focussed leadership and how can this be achieved in a climate where demand inevitably outstrips resource"
def words(text): return re.findall(r"[a-z0-9']+", text.lower())
def without_title(text): return re.sub(r"\s+", " ", " ".join(words(text))).replace(TITLE, " ")
def grams(ws, n): return {' '.join(ws[i:i+n]) for i in range(len(ws)-n+1)}
args = [a for a in sys.argv[1:] if not a.startswith('--')]
n = int(sys.argv[sys.argv.index('--n')+1]) if '--n' in sys.argv else 12
args = [a for a in args if a != str(n)]
seed = set()
for f in os.listdir(SEEDS):
    if f.endswith('.txt'): seed |= grams(words(open(os.path.join(SEEDS, f), encoding='utf-8', errors='ignore').read()), n)
files = []
for a in args:
    if os.path.isdir(a):
        for root, _, fs in os.walk(a): files += [os.path.join(root, f) for f in fs if f.endswith('.md')]
    else: files.append(a)
bad = 0
for f in sorted(files):
    hits = grams(words(without_title(open(f, encoding='utf-8').read())), n) & seed
    for h in sorted(hits)[:5]: print(f"{f}: copied run: {h}")
    bad += len(hits)
print(f"{len(files)} files, {bad} copied {n}-word runs")
sys.exit(1 if bad else 0)
