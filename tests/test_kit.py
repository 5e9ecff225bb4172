"""The lecturer's kit (book/kit.py, book/kit/, book/lecturers.md, book/pdf.py).

Without a browser: every exercise of every notebook is in book/kit/exercises.toml exactly once with a valid
lecture, split and effort; each lecture of the guide has a timing table that sums to at most 90 minutes and
holds exactly its in-class exercises with their efforts, a minimal path, a board plan and pre-reading; the
guide's exercise tables are the ones exercises.toml gives; every number of the exam's model answers is
recomputed by an independent route (and a wrong number is caught); the student edition and the website's
source hold no model answer of the exam and no file of the kit.

With Debian's Chromium (skipped without it, failed with EMLIB_REQUIRE_BROWSER=1, as tests/browser): the kit is
built; each PDF has the page count and the text it should (the summary one A4 page), no raw TeX is left, and
book/pdf.py blocks the network. The measured figures are printed (pytest -s).
"""
import importlib.util
import json
import math
import os
import pathlib
import re
import subprocess
import sys
import tomllib
import zipfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
sys.path.insert(0, str(BOOK))
import kit  # noqa: E402
import student_edition  # noqa: E402

GUIDE = (BOOK / "lecturers.md").read_text(encoding="utf-8")
PLAN = kit.plan()
EXERCISES = kit.exercises()
EXAM = kit.load_exam()
CHROMIUM = "/usr/bin/chromium"


def _sections():
    """{lecture number: the text of its '## Lecture N' section of the guide}."""
    parts = re.split(r"^(?=## )", GUIDE, flags=re.M)
    out = {}
    for part in parts:
        m = re.match(r"## Lecture (\d+)\b", part)
        if m:
            assert m.group(1) not in out, f"two sections for Lecture {m.group(1)}"
            out[m.group(1)] = part
    return out


SECTIONS = _sections()


def _table(section, header):
    """The rows (lists of cells) of the first Markdown table in section whose header row starts with header."""
    lines = section.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith(header))
    rows = []
    for ln in lines[start + 2:]:
        if not ln.startswith("|"):
            break
        rows.append([c.strip() for c in ln.strip().strip("|").split("|")])
    return rows


# ------------------------------------------------------------------------------ exercises.toml --

def test_every_exercise_is_in_the_plan_exactly_once():
    ids = [ex["id"] for ex in EXERCISES]
    assert len(ids) == len(set(ids)), "an exercise id appears twice in the notebooks"
    assert len(ids) >= 60 and {i.split(".")[0] for i in ids} == {str(n) for n in range(1, 11)}
    with open(BOOK / "kit" / "exercises.toml", "rb") as f:  # a key given twice is a TOML error
        tomllib.load(f)
    text = (BOOK / "kit" / "exercises.toml").read_text(encoding="utf-8")
    assert sorted(re.findall(r'^\[exercises\."([\d.]+)"\]', text, re.M), key=str) == sorted(ids, key=str)
    assert set(PLAN["exercises"]) == set(ids)
    for ex in EXERCISES:
        info = PLAN["exercises"][ex["id"]]
        assert set(info) == {"level", "lecture", "split", "minutes"}, ex["id"]
        assert info["level"] == ex["level"], f"{ex['id']}: the notebook says {ex['level']}"
        assert info["split"] in kit.SPLITS, ex["id"]
        lecture = PLAN["lectures"][str(info["lecture"])]
        assert ex["notebook"][:2] in lecture["notebooks"], f"{ex['id']} is set in a lecture that does not teach its notebook"
        low, high = {"check": (5, 20), "derive": (15, 45), "implement": (15, 40)}[ex["level"]]
        assert isinstance(info["minutes"], int) and low <= info["minutes"] <= high, (ex["id"], info["minutes"])
    notebooks = [nb for lec in PLAN["lectures"].values() for nb in lec["notebooks"]]
    assert sorted(notebooks) == [f"{n:02d}" for n in range(1, 11)], "each notebook is taught in exactly one lecture"
    for number, items in kit.lecture_items(PLAN, EXERCISES).items():
        splits = {info["split"] for _, info in items}
        assert splits == set(kit.SPLITS), f"lecture {number} needs both in-class and homework exercises"


# ------------------------------------------------------------------------------ the guide --

def test_each_lecture_fits_in_90_minutes_with_its_in_class_exercises():
    assert sorted(SECTIONS, key=int) == sorted(PLAN["lectures"], key=int)
    for number, section in SECTIONS.items():
        rows = _table(section, "| min | segment | how | where |")
        minutes = [int(r[0]) for r in rows]
        total = sum(minutes)
        stated = re.search(r"^Total: (\d+) min", section, re.M)
        print(f"Lecture {number}: {len(rows)} segments, {total} min")
        assert total <= 90 and stated and int(stated.group(1)) == total, (number, total)
        assert all(m > 0 for m in minutes) and all(r[2] for r in rows)
        # the rows where the room works name exactly the lecture's in-class exercises, with their efforts
        in_class = {ex["id"]: info["minutes"] for ex, info in kit.lecture_items(PLAN, EXERCISES)[number]
                    if info["split"] == "in-class"}
        named, room_minutes = [], 0
        for r in rows:
            if r[2] == "room":
                ids = re.findall(r"\b(\d+\.\d+)\b", r[1])
                assert ids and sum(in_class.get(i, 0) for i in ids) == int(r[0]), (number, r)
                named += ids
                room_minutes += int(r[0])
        assert sorted(named) == sorted(in_class), (number, named, sorted(in_class))
        assert room_minutes == sum(in_class.values())
        optional = PLAN["lectures"][number]["optional"]
        assert (", optional" in section.splitlines()[0]) == optional


def test_each_lecture_has_a_minimal_path_a_board_plan_and_pre_reading():
    for number, section in SECTIONS.items():
        total = sum(int(r[0]) for r in _table(section, "| min | segment | how | where |"))
        short = re.search(r"\*\*If time runs short\*\*(.*?)\n\n", section, re.S)
        assert short, number
        saves = [int(m) for m in re.findall(r"saves\s+(\d+)\s+min", short.group(1))]
        in_all = re.search(r"In all:\s+(\d+)\s+min", short.group(1))
        assert len(saves) >= 2 and in_all and sum(saves) == int(in_all.group(1)) < total / 3, (number, saves)
        board = re.search(r"\*\*Board plan\.\*\*\n- \*By hand:\*(.+?)\n- \*Shown:\*", section, re.S)
        assert board and len(board.group(1).split()) > 15, number
        pre = re.search(r"\*\*Pre-reading\*\* \(about (\d+) min\):(.*?)\n\n", section, re.S)
        assert pre and "PRML §" in pre.group(2) and re.search(r"notebook \[?\d\d", pre.group(2)), number
        assert "**Ask the room.**" in section, number


def test_the_guides_exercise_tables_are_exercises_toml():
    for number, section in SECTIONS.items():
        table = kit.exercise_table(number, PLAN, EXERCISES)
        assert table in section, (f"Lecture {number}'s exercise table differs from book/kit/exercises.toml: "
                                  "print the right one with `.venv/bin/python book/kit.py --tables`")
    glance = _table(GUIDE, "| lecture | notebooks |")
    assert len(glance) == len(PLAN["lectures"])
    for row in glance:
        number = row[0].split(".")[0]
        items = kit.lecture_items(PLAN, EXERCISES)[number]
        for split, cell in zip(kit.SPLITS, row[3:5]):
            assert cell == f"{sum(info['minutes'] for _, info in items if info['split'] == split)} min", (number, split)
    # "(1.3, 1.4, ...: 110 min)": a subset's stated effort is its sum
    subsets = re.findall(r"\(((?:\d+\.\d+, )+\d+\.\d+): (\d+) min\)", GUIDE)
    assert subsets
    for ids, minutes in subsets:
        assert sum(PLAN["exercises"][i]["minutes"] for i in ids.split(", ")) == int(minutes), ids


def test_the_guide_keeps_its_questions_and_misconceptions_and_drops_the_old_slide_tool():
    assert GUIDE.count("*\"") >= 10  # the questions to ask the room
    assert "## Common misconceptions" in GUIDE and GUIDE.count("\n| \"") >= 8
    assert "## Run a class on one JupyterHub" in GUIDE and "## Give students the student edition" in GUIDE
    assert "slide_plan" not in GUIDE
    assert "book/kit.py" in (ROOT / "README.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------- the exam --

REQUIRED_TOPICS = {"E-step", "M-step", "the bound", "k-means limit", "missing data", "variational Bayes"}


def test_exam_has_mixed_questions_on_every_topic():
    qs = EXAM.QUESTIONS
    assert len(qs) >= 10 and len({q.key for q in qs}) == len(qs)
    assert REQUIRED_TOPICS <= {q.topic for q in qs}
    assert {q.kind for q in qs} == {"derivation", "conceptual", "numerical"}
    for q in qs:
        for template in (q.statement, q.answer):
            bare = EXAM.PLACEHOLDER.sub("", re.sub(r"PRML \d+\.\d+(–\d+\.\d+)?", "", template))
            assert not re.search(r"\d\.\d|\d{3,}", bare), f"{q.key}: a number typed into the text, not computed: {bare}"
        EXAM.render(q, answer=True)  # every placeholder has a value


@pytest.mark.parametrize("key", [q.key for q in EXAM.QUESTIONS])
def test_exam_answers_are_computed_and_checked_by_another_route(key):
    q = next(q for q in EXAM.QUESTIONS if q.key == key)
    values = EXAM.values_of(q)
    q.verify(q.given, values)
    # each number the answer shows is checked: a wrong one fails verify
    shown = {m.group(1) for m in EXAM.PLACEHOLDER.finditer(q.answer)} - set(q.given)
    for name in sorted(shown):
        value = values[name]
        if not isinstance(value, (int, float)) or name in ("n_random", "n_starts"):
            continue  # how many random points or starts the computation used
        wrong = dict(values, **{name: value * 1.01 + 0.01})
        with pytest.raises(AssertionError):
            q.verify(q.given, wrong)
    print(f"{key}: {', '.join(f'{n} = {values[n]:.6g}' for n in sorted(shown) if isinstance(values[n], float))}")


# ------------------------------------------------------- the answer key stays with the lecturer --

def _answer_fragments():
    """Sentences that only the exam's model answers contain (filled in, as the answer key prints them)."""
    frags = []
    for q in EXAM.QUESTIONS:
        text = EXAM.fill(q.answer, EXAM.values_of(q))
        frags += [s.strip() for s in re.split(r"[.;:]\s", text) if len(s.strip()) > 40][:3]
    assert len(frags) >= 20
    return frags


def _all_text(folder):
    for p in pathlib.Path(folder).rglob("*"):
        if p.is_file():
            yield p, p.read_bytes().decode("utf-8", errors="replace")


def test_student_edition_holds_no_answer_key(tmp_path):
    out, zip_path = tmp_path / "student", tmp_path / "student.zip"
    subprocess.run([sys.executable, str(BOOK / "student_edition.py"), "--out", str(out), "--zip", str(zip_path)],
                   check=True, capture_output=True)
    unzipped = tmp_path / "unzipped"
    with zipfile.ZipFile(zip_path) as z:
        z.extractall(unzipped)
    frags = _answer_fragments()
    for folder in (out, unzipped):
        files = list(_all_text(folder))
        assert len(files) >= 10
        for p, text in files:
            assert "answer-key" not in str(p) and p.suffix != ".pdf" and "exercises.toml" not in p.name, p
            assert "Model answer." not in text, p
            for frag in frags:
                assert frag not in text, (p, frag)


def test_website_source_holds_no_answer_key(tmp_path):
    import build

    build.prepare_site_source(tmp_path / "src")
    files = list(_all_text(tmp_path / "src"))
    assert any(p.name == "lecturers.md" for p, _ in files)
    frags = _answer_fragments()
    for p, text in files:
        assert "answer-key" not in p.parts and not p.name.endswith(".pdf") and p.parent.name != "kit", p
        for frag in frags:
            assert frag not in text, (p, frag)


# --------------------------------------------------------------------------------- with Chromium --

def _browser_or_skip():
    required = os.environ.get("EMLIB_REQUIRE_BROWSER") == "1"
    missing = None
    if not pathlib.Path(CHROMIUM).exists():
        missing = f"Chromium not found at {CHROMIUM}: install it with `sudo apt-get install chromium` to build the kit's PDFs"
    else:
        try:
            import playwright  # noqa: F401
            import pypdf  # noqa: F401
        except ImportError as e:
            missing = f"{e.name} is missing: pip install -e '.[test]'"
    if missing:
        if required:
            pytest.fail(f"EMLIB_REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(missing)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    _browser_or_skip()
    out = tmp_path_factory.mktemp("kit")
    pdfs = kit.build(out)
    from pypdf import PdfReader

    readers = {name: PdfReader(path) for name, path in pdfs.items()}
    print("\n" + "\n".join(f"{name}: {len(r.pages)} page(s)" for name, r in readers.items()))
    return out, readers


def _text(reader):
    return "\n".join(page.extract_text() for page in reader.pages)


# what a formula that MathJax did not typeset (or typeset as an error) leaves in the text
RAW_TEX = re.compile(r"\\(frac|mathbf|boldsymbol|mathcal|gamma|sum|ln|mid|pi|mu|Sigma|theta|text|left|right|begin|tfrac|dfrac|operatorname)\b|\$|\\\(|\\\[")


def test_kit_files_and_page_counts(built):
    out, readers = built
    lectures = sorted(PLAN["lectures"], key=int)
    expected = ({f"homework-lecture-{n}.pdf" for n in lectures} | {f"answer-key/lecture-{n}-answers.pdf" for n in lectures}
                | {"exam.pdf", "answer-key/exam-answers.pdf", "summary.pdf"})
    assert set(readers) == expected
    summary = readers["summary.pdf"]
    box = summary.pages[0].mediabox
    assert len(summary.pages) == 1, "the summary sheet must be exactly one page"
    assert abs(float(box.width) - 595.3) < 2 and abs(float(box.height) - 841.9) < 2, "A4"
    for name, reader in readers.items():
        for page in reader.pages:
            assert abs(float(page.mediabox.width) - 595.3) < 2, name
        assert 1 <= len(reader.pages) <= 12, (name, len(reader.pages))
    # the answer key of a lecture is longer than its homework sheet (it has every exercise and the solutions)
    for n in lectures:
        assert len(readers[f"answer-key/lecture-{n}-answers.pdf"].pages) > len(readers[f"homework-lecture-{n}.pdf"].pages)
    assert len(readers["answer-key/exam-answers.pdf"].pages) > len(readers["exam.pdf"].pages)


def test_kit_text_is_extractable_and_typeset(built):
    out, readers = built
    items = kit.lecture_items(PLAN, EXERCISES)
    for n, lecture_items in items.items():
        sheet = _text(readers[f"homework-lecture-{n}.pdf"])
        key = _text(readers[f"answer-key/lecture-{n}-answers.pdf"])
        assert f"Homework: Lecture {n}" in sheet and "Due:" in sheet and "Model answer" not in sheet
        for ex, info in lecture_items:
            heading = f"Exercise {ex['id']} ({ex['level']})"
            assert (heading in sheet) == (info["split"] == "homework"), (n, ex["id"])
            assert heading in key, (n, ex["id"])
        homework = sum(info["minutes"] for _, info in lecture_items if info["split"] == "homework")
        assert f"{homework} min" in sheet
        in_class = [ex["id"] for ex, info in lecture_items if info["split"] == "in-class"]
        assert re.search(r"not on this sheet: exercises? " + re.escape(", ".join(in_class)) + r"\.", sheet.replace("\n", " ")), n
        assert "Not for students" in key and "Not for students" not in sheet
        prose = re.sub(r"\n", " ", sheet)
        assert not RAW_TEX.search(prose), (n, RAW_TEX.search(prose).group(0), prose[max(0, RAW_TEX.search(prose).start() - 80):][:160])
    exam, answers, summary = (_text(readers[k]) for k in ("exam.pdf", "answer-key/exam-answers.pdf", "summary.pdf"))
    for i in range(1, len(EXAM.QUESTIONS) + 1):
        assert f"Question {i}" in exam and f"Question {i}" in answers
    assert "Model answer" not in exam and answers.count("Model answer") == len(EXAM.QUESTIONS)
    e_step = EXAM.values_of(next(q for q in EXAM.QUESTIONS if q.key == "e-step"))
    assert f"{e_step['g1']:.4f}" in answers and f"{e_step['g1']:.4f}" not in exam
    keys = [_text(readers[f"answer-key/lecture-{n}-answers.pdf"]) for n in items]
    for text in (exam, answers, summary, *keys):
        flat = text.replace("\n", " ")
        m = RAW_TEX.search(flat)
        assert not m, flat[max(0, m.start() - 80):m.start() + 80]
    for word in ("E-step", "M-step", "k-means", "MAP", "EM loop", "KL", "Lagrange"):
        assert word in summary, word
    assert len(summary.split()) > 250, "the summary's text (with its math) is extractable"
    for name, reader in readers.items():
        print(f"{name}: {len(reader.pages)} pages, {len(_text(reader).split())} words of text")


def test_pdf_blocks_the_network(tmp_path):
    _browser_or_skip()
    from pdf import NetworkRequestBlocked, html_to_pdf
    from pypdf import PdfReader

    mathjax = kit.mathjax_source() / "tex-chtml-full.js"
    page = tmp_path / "page.html"
    page.write_text(f"""<!doctype html><meta charset="utf-8"><script>window.MathJax = {{tex: {{inlineMath: [["\\\\(", "\\\\)"]]}}}};</script>
<script async src="{mathjax.as_uri()}"></script><p>Inline \\(\\gamma(z_{{nk}}) = \\frac{{N_k}}{{N}}\\) here.</p>
<img src="https://example.invalid/x.png">""", encoding="utf-8")
    with pytest.raises(NetworkRequestBlocked, match="example.invalid"):
        html_to_pdf(page, tmp_path / "a.pdf")
    assert not (tmp_path / "a.pdf").exists()
    html_to_pdf(page, tmp_path / "b.pdf", strict=False)
    text = PdfReader(tmp_path / "b.pdf").pages[0].extract_text()
    assert "Inline" in text and "\\frac" not in text and "γ" in text, text
