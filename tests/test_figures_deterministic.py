"""On one machine, `python -m emlib.figures` is deterministic: two runs give identical bytes.

(Across machines the last bits of the numbers may differ; tests/test_figures.py
compares what a reader sees instead.)
"""
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_two_runs_give_identical_bytes(tmp_path):
    runs = []
    for name in ("a", "b"):
        out = tmp_path / name
        subprocess.run([sys.executable, "-m", "emlib.figures", "--out", str(out)], check=True, capture_output=True, cwd=ROOT)
        runs.append({p.name: p.read_bytes() for p in out.iterdir()})
    assert runs[0].keys() == runs[1].keys() and len(runs[0]) >= 10
    differ = sorted(n for n in runs[0] if runs[0][n] != runs[1][n])
    assert not differ, f"two runs on this machine differ in {differ}: the generator is not deterministic"
