"""`python -m emlib.figures` regenerates figures/ exactly: same files, same bytes."""
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_figures_regenerate_identically(tmp_path):
    subprocess.run([sys.executable, "-m", "emlib.figures", "--out", str(tmp_path)], check=True, capture_output=True, cwd=ROOT)
    committed = {p.name for p in (ROOT / "figures").iterdir() if p.suffix in {".png", ".svg", ".gif"}}
    fresh = {p.name for p in tmp_path.iterdir()}
    assert fresh == committed, f"only regenerated: {fresh - committed}; only committed: {committed - fresh}"
    assert {p.removesuffix(".png") for p in committed if p.endswith(".png")} == {p.removesuffix(".svg") for p in committed if p.endswith(".svg")}
    differ = sorted(n for n in committed if (tmp_path / n).read_bytes() != (ROOT / "figures" / n).read_bytes())
    assert not differ, f"figures differ from a fresh run of `python -m emlib.figures`: {differ}"


def test_gallery_lists_every_figure():
    gallery = (ROOT / "figures" / "README.md").read_text()
    names = {p.stem for p in (ROOT / "figures").iterdir() if p.suffix in {".png", ".gif"}}
    missing = [n for n in names if n not in gallery]
    assert not missing, f"figures/README.md does not describe {missing}"
