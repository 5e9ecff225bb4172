"""Build the lecturer's kit: homework sheets, answer keys, exam questions and a summary sheet, as PDF.

    .venv/bin/python book/kit.py            # everything into build/kit/ (about a minute)
    .venv/bin/python book/kit.py --out DIR  # into DIR instead

What it writes (book/lecturers.md says how to use it):

    build/kit/homework-lecture-N.pdf          one sheet per lecture of book/lecturers.md: the statements of the
                                              exercises that book/kit/exercises.toml sets as homework, each with
                                              its effort in minutes, under a header with the lecture and a blank
                                              due date
    build/kit/exam.pdf                        the exam-style questions of book/kit/exam.py
    build/kit/summary.pdf                     the E- and M-steps on one A4 page (book/kit/summary.md)
    build/kit/answer-key/lecture-N-answers.pdf   the notebooks' solutions (text, code and the printed checks) of
                                              every exercise of lecture N, in-class and homework
    build/kit/answer-key/exam-answers.pdf     the exam questions with model answers (numbers computed by exam.py)

Each PDF is printed from an HTML file written beside it (``html/`` folders) by Debian's Chromium through
book/pdf.py, offline, with MathJax 3 (from the sphinx-mathjax-offline wheel, copied into ``build/kit/mathjax``).
Everything under ``answer-key/`` is for the lecturer: neither the student edition (book/student_edition.py) nor
the website (book/build.py site) reads anything from book/kit/ or build/kit/, and tests/test_kit.py checks that
the model answers appear in neither. Needs the test extras (``pip install -e ".[test]"``) and Chromium.
"""
import argparse
import base64
import html
import importlib.util
import json
import pathlib
import re
import shutil
import sys
import time
import tomllib

BOOK = pathlib.Path(__file__).resolve().parent
ROOT = BOOK.parent
KIT = BOOK / "kit"
sys.path.insert(0, str(BOOK))

import student_edition  # noqa: E402  (book/: the exercise parser shared with the student edition)
from pdf import html_to_pdf  # noqa: E402

NOTEBOOKS = ROOT / "notebooks"
SPLITS = ("in-class", "homework")
LEVELS = ("check", "derive", "implement")


# ------------------------------------------------------------------------------------ sources --

def plan():
    """book/kit/exercises.toml: {"lectures": {"1": {...}}, "exercises": {"1.1": {...}}}."""
    with open(KIT / "exercises.toml", "rb") as f:
        return tomllib.load(f)


def load_exam():
    """book/kit/exam.py as a module (QUESTIONS, render, values_of)."""
    spec = importlib.util.spec_from_file_location("emlib_kit_exam", KIT / "exam.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while the class is created
    spec.loader.exec_module(module)
    return module


def notebook_paths():
    return sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def _outputs(cell):
    """The text a cell printed (streams and text/plain results) and its PNG pictures (base64)."""
    texts, pngs = [], []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            texts.append("".join(out["text"]) if isinstance(out["text"], list) else out["text"])
        data = out.get("data", {})
        if "image/png" in data:
            pngs.append(data["image/png"].replace("\n", "") if isinstance(data["image/png"], str) else "".join(data["image/png"]))
        elif "text/plain" in data and out.get("output_type") == "execute_result":
            t = data["text/plain"]
            texts.append("".join(t) if isinstance(t, list) else t)
    return "".join(texts).rstrip("\n"), pngs


def exercises():
    """Every exercise of every notebook, in order: dicts with id, level, title, notebook, statement
    (Markdown), stubs (code the student completes, solutions removed) and solution (a list of parts:
    ("markdown", text) or ("code", source, printed text, [png, ...]))."""
    out = []
    for path in notebook_paths():
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = nb["cells"]
        for ex in student_edition.exercises(nb):
            head = student_edition._source(cells[ex["heading"]])
            m = next(m for m in student_edition.HEADING.finditer(head) if m.group(1) == ex["id"])
            statement = [head[m.end():].split("\n", 1)[1].strip() if "\n" in head[m.end():] else ""]
            stubs, solution = [], []
            for i in ex["cells"][1:]:
                cell = cells[i]
                src = student_edition._source(cell)
                if student_edition._is_solution(cell):
                    if cell["cell_type"] == "markdown":
                        d = student_edition.DETAILS.match(src.strip())
                        solution.append(("markdown", (d.group(1) if d else src).strip()))
                    elif cell["cell_type"] == "code":
                        solution.append(("code", src.strip(), *_outputs(cell)))
                elif cell["cell_type"] == "markdown":
                    statement.append(src.strip())
                elif cell["cell_type"] == "code":
                    stub = student_edition.strip_solution_code(src).strip()
                    stubs.append(stub)
                    if stub != src.strip():  # the full edition's code cell holds the solution block
                        solution.append(("code", src.strip(), *_outputs(cell)))
            out.append({"id": ex["id"], "level": ex["level"], "title": ex["title"], "notebook": path.name,
                        "statement": "\n\n".join(s for s in statement if s), "stubs": stubs, "solution": solution})
    return out


# ---------------------------------------------------------------------------------- rendering --

def _markdown():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    def math(content, options):
        tex = html.escape(content.strip())
        return f'<div class="math">\\[{tex}\\]</div>' if options.get("display_mode") else f"\\({tex}\\)"

    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    dollarmath_plugin(md, double_inline=True, renderer=math)
    return md


_MD = None


def inline(text):
    """HTML of one line of Markdown (a title), without the paragraph around it."""
    markdown("")
    return _MD.renderInline(text)


def markdown(text):
    """HTML of notebook-style Markdown; $...$ and $$...$$ become MathJax's \\(...\\) and \\[...\\]."""
    global _MD
    if _MD is None:
        _MD = _markdown()
    return _MD.render(text)


CSS = """
@page { size: A4; margin: 16mm 17mm 16mm 17mm; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "DejaVu Serif", "Liberation Serif", serif; font-size: 10.5pt; line-height: 1.38; color: #111; margin: 0; }
h1 { font-family: "DejaVu Sans", sans-serif; font-size: 16pt; margin: 0 0 2mm 0; }
h2 { font-family: "DejaVu Sans", sans-serif; font-size: 12pt; margin: 6mm 0 1.5mm 0; break-after: avoid; }
h3 { font-family: "DejaVu Sans", sans-serif; font-size: 10.5pt; margin: 3mm 0 1mm 0; break-after: avoid; }
p { margin: 1.2mm 0; }
.meta { font-family: "DejaVu Sans", sans-serif; font-size: 9pt; color: #444; margin: 0 0 1.5mm 0; }
table.header { width: 100%; table-layout: fixed; border-collapse: collapse; margin: 2mm 0 4mm 0; font-family: "DejaVu Sans", sans-serif; font-size: 10pt; }
table.header td { border: 1px solid #888; padding: 2mm 3mm; vertical-align: top; }
table.list { border-collapse: collapse; font-size: 9.5pt; margin: 2mm 0; }
table.list th, table.list td { border-bottom: 1px solid #bbb; padding: 1mm 3mm 1mm 0; text-align: left; vertical-align: top; }
.blank { display: inline-block; min-width: 40mm; border-bottom: 1px solid #111; }
pre { font-family: "DejaVu Sans Mono", monospace; font-size: 8pt; line-height: 1.3; background: #f4f4f4; border-left: 2px solid #999;
      padding: 1.5mm 2.5mm; white-space: pre-wrap; overflow-wrap: anywhere; margin: 1.5mm 0; }
pre.out { background: #fff; border-left: 2px solid #2a7; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 0.88em; }
img.figure { max-width: 75%; display: block; margin: 2mm 0; }
.exercise, .question { break-inside: auto; border-top: 1px solid #ccc; padding-top: 1mm; margin-top: 3mm; }
.answer { border-left: 3px solid #2a7; padding-left: 3mm; margin-top: 2mm; }
.key-banner { font-family: "DejaVu Sans", sans-serif; font-size: 9pt; color: #a00; border: 1px solid #a00; padding: 1.5mm 3mm; margin: 0 0 3mm 0; }
mjx-container[display="true"] { margin: 1.5mm 0 !important; }
details, summary { display: block; }
"""

SUMMARY_CSS = """
@page { size: A4; margin: 9mm 10mm 9mm 10mm; }
body { font-size: 10pt; line-height: 1.32; }
section { break-inside: avoid; }
h1 { font-size: 14pt; margin: 0 0 1.5mm 0; }
.cols { column-count: 2; column-gap: 8mm; column-rule: 1px solid #ccc; }
h2 { font-size: 10.6pt; margin: 3mm 0 1mm 0; color: #1a4f8a; }
p, li { margin: 0.6mm 0; }
ol { margin: 0.6mm 0; padding-left: 5mm; }
mjx-container[display="true"] { margin: 0.9mm 0 !important; }
"""


def page(title, body, mathjax, extra_css=""):
    """A complete HTML page; mathjax is the relative URL of tex-chtml-full.js."""
    fonts = mathjax.rsplit("/", 1)[0] + "/output/chtml/fonts/woff-v2"
    config = {"tex": {"inlineMath": [["\\(", "\\)"]], "displayMath": [["\\[", "\\]"]], "processEscapes": False},
              "options": {"enableMenu": False}, "chtml": {"fontURL": fonts, "scale": 0.95}}
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>{CSS}{extra_css}</style>
<script>window.MathJax = {json.dumps(config)};</script>
<script async src="{mathjax}"></script>
</head><body>
{body}
</body></html>
"""


def _code_block(source, cls=""):
    return f'<pre class="{cls}">{html.escape(source)}</pre>' if source.strip() else ""


def _exercise_heading(ex, info, tag="h2"):
    effort = f"about {info['minutes']} min" + (" · in class" if info["split"] == "in-class" else "")
    return (f'<{tag}>Exercise {ex["id"]} ({ex["level"]}): {inline(ex["title"])}</{tag}>'
            f'<p class="meta">Notebook {ex["notebook"][:2]} ({html.escape(ex["notebook"])}) · {effort}</p>')


def _notebooks(lecture):
    return ("notebook " if len(lecture["notebooks"]) == 1 else "notebooks ") + ", ".join(lecture["notebooks"])


def homework_html(number, lecture, items, mathjax, in_class=()):
    total = sum(info["minutes"] for _, info in items)
    done = (f"<p>Done in the lecture, not on this sheet: exercise{'s' if len(in_class) > 1 else ''} "
            f"{', '.join(in_class)}.</p>" if in_class else "")
    rows = "".join(f"<tr><td>{ex['id']}</td><td>{ex['level']}</td><td>{inline(ex['title'])}</td>"
                   f"<td>{info['minutes']} min</td></tr>" for ex, info in items)
    body = [f"<h1>Homework: Lecture {number}</h1>",
            f'<p class="meta">{inline(lecture["title"])} · {_notebooks(lecture)}</p>',
            '<table class="header"><tr><td>Course: <span class="blank"></span></td><td>Due: <span class="blank"></span></td></tr>'
            '<tr><td>Name: <span class="blank"></span></td><td>Handed out: <span class="blank"></span></td></tr></table>',
            "<p>Work in the student edition of the notebooks: each exercise below is at the end of its notebook, with a cell "
            "for your answer. A code exercise checks itself: <code>check(\"4.5\", your_function)</code> says "
            "<em>not attempted yet</em>, <em>correct</em>, or gives a specific hint. Efforts are estimates for a student who "
            "followed the lecture.</p>" + done,
            f'<table class="list"><tr><th>exercise</th><th>level</th><th>title</th><th>effort</th></tr>{rows}'
            f"<tr><td></td><td></td><td><strong>total</strong></td><td><strong>{total} min</strong></td></tr></table>"]
    for ex, info in items:
        part = [f'<div class="exercise">{_exercise_heading(ex, info)}', markdown(ex["statement"])]
        stubs = [s for s in ex["stubs"] if "# your code here" in s]
        if stubs:
            part.append('<p class="meta">In the notebook you complete:</p>')
            part += [_code_block(s) for s in stubs]
        part.append("</div>")
        body += part
    return page(f"Homework, Lecture {number}", "\n".join(body), mathjax)


def answer_key_html(number, lecture, items, mathjax):
    body = [f"<h1>Answer key: Lecture {number}</h1>",
            '<p class="key-banner">For the lecturer. Not for students: these are the full edition\'s solutions.</p>',
            f'<p class="meta">{inline(lecture["title"])} · {_notebooks(lecture)} · '
            "every exercise of the lecture, in class and homework. The code is the full edition's; the boxes with a green "
            "edge are what it printed when the notebook was last run.</p>"]
    for ex, info in items:
        part = [f'<div class="exercise">{_exercise_heading(ex, info)}', markdown(ex["statement"]), '<div class="answer">']
        if not ex["solution"]:
            raise ValueError(f"exercise {ex['id']} has no solution cell")
        for kind, *rest in ex["solution"]:
            if kind == "markdown":
                part.append(markdown(rest[0]))
            else:
                source, printed, pngs = rest
                part.append(_code_block(source))
                part.append(_code_block(printed, "out"))
                part += [f'<img class="figure" alt="figure printed by the solution of exercise {ex["id"]}" '
                         f'src="data:image/png;base64,{png}">' for png in pngs]
        part.append("</div></div>")
        body += part
    return page(f"Answer key, Lecture {number}", "\n".join(body), mathjax)


def exam_html(exam, answers, mathjax):
    total = sum(q.minutes for q in exam.QUESTIONS)
    title = "Exam-style questions on EM" + (": model answers" if answers else "")
    body = [f"<h1>{title}</h1>"]
    if answers:
        body.append('<p class="key-banner">For the lecturer. Not for students. Every number in a model answer is computed '
                    "by book/kit/exam.py and checked by an independent route in tests/test_kit.py.</p>")
    body.append(f'<p class="meta">{len(exam.QUESTIONS)} questions, about {total} minutes in all. Notation as in PRML ch. 9: '
                "\\(\\gamma(z_{nk})\\) the responsibilities, \\(N_k\\) the soft counts, "
                "\\(Q(\\boldsymbol\\theta,\\boldsymbol\\theta^{\\text{old}})\\) the expected complete-data log-likelihood.</p>")
    for i, q in enumerate(exam.QUESTIONS, 1):
        text = exam.render(q, answer=False)
        part = [f'<div class="question"><h2>Question {i}</h2>',
                f'<p class="meta">{html.escape(q.topic)} · {q.kind} · about {q.minutes} min</p>', markdown(text)]
        if answers:
            values = exam.values_of(q)
            part.append(f'<div class="answer"><p><strong>Model answer.</strong></p>{markdown(exam.fill(q.answer, values))}</div>')
        part.append("</div>")
        body += part
    return page(title, "\n".join(body), mathjax)


def summary_html(mathjax):
    text = (KIT / "summary.md").read_text(encoding="utf-8")
    title, rest = text.split("\n", 1)
    sections = re.split(r"(?=<h2>)", markdown(rest))  # each section stays in one column
    body = (f"<h1>{html.escape(title.lstrip('# ').strip())}</h1>\n<div class=\"cols\">"
            + "".join(f"<section>{part}</section>" for part in sections) + "</div>")
    return page("EM summary sheet", body, mathjax, SUMMARY_CSS)


def exercise_table(number, the_plan=None, the_exercises=None):
    """The Markdown table of lecture ``number``'s exercises that book/lecturers.md shows (tests/test_kit.py checks
    that the guide holds exactly this text; ``book/kit.py --tables`` prints it for every lecture)."""
    the_plan = the_plan or plan()
    items = lecture_items(the_plan, the_exercises or exercises())[str(number)]
    rows = ["| exercise | level | title | where | effort |", "|---|---|---|---|---|"]
    rows += [f"| {ex['id']} | {ex['level']} | {ex['title']} | {info['split']} | {info['minutes']} min |" for ex, info in items]
    minutes = {split: sum(info["minutes"] for _, info in items if info["split"] == split) for split in SPLITS}
    rows.append("")
    rows.append(f"In class: {minutes['in-class']} min (in the timing above). Homework: {minutes['homework']} min in all; "
                f"`build/kit/homework-lecture-{number}.pdf` is the sheet.")
    return "\n".join(rows)


# ---------------------------------------------------------------------------------------- build --

def mathjax_source():
    return pathlib.Path(importlib.util.find_spec("sphinx-mathjax-offline").submodule_search_locations[0]) / "static" / "mathjax"


def lecture_items(the_plan, the_exercises):
    """{lecture number (str): [(exercise, its exercises.toml entry), ...]} in notebook order."""
    items = {str(n): [] for n in the_plan["lectures"]}
    for ex in the_exercises:
        info = the_plan["exercises"][ex["id"]]
        items[str(info["lecture"])].append((ex, info))
    return items


def build(out):
    """Write the kit into out; return {relative path of each PDF: its path}."""
    out = pathlib.Path(out).resolve()
    if out.exists():
        shutil.rmtree(out)
    key = out / "answer-key"
    for folder in (out / "html", key / "html"):
        folder.mkdir(parents=True)
    mj_src = mathjax_source()
    (out / "mathjax" / "output" / "chtml" / "fonts").mkdir(parents=True)
    shutil.copy2(mj_src / "tex-chtml-full.js", out / "mathjax" / "tex-chtml-full.js")
    shutil.copytree(mj_src / "output" / "chtml" / "fonts" / "woff-v2", out / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2")
    mathjax_public, mathjax_key = "../mathjax/tex-chtml-full.js", "../../mathjax/tex-chtml-full.js"

    the_plan, the_exercises, exam = plan(), exercises(), load_exam()
    missing = sorted(set(ex["id"] for ex in the_exercises) ^ set(the_plan["exercises"]))
    if missing:
        raise ValueError(f"book/kit/exercises.toml and the notebooks disagree on exercises {missing}")
    jobs = []  # (html path, pdf path)
    for number, items in lecture_items(the_plan, the_exercises).items():
        lecture = the_plan["lectures"][number]
        homework = [(ex, info) for ex, info in items if info["split"] == "homework"]
        page_ = out / "html" / f"homework-lecture-{number}.html"
        in_class = [ex["id"] for ex, info in items if info["split"] == "in-class"]
        page_.write_text(homework_html(number, lecture, homework, mathjax_public, in_class), encoding="utf-8")
        jobs.append((page_, out / f"homework-lecture-{number}.pdf"))
        page_ = key / "html" / f"lecture-{number}-answers.html"
        page_.write_text(answer_key_html(number, lecture, items, mathjax_key), encoding="utf-8")
        jobs.append((page_, key / f"lecture-{number}-answers.pdf"))
    for answers, page_, pdf_ in ((False, out / "html" / "exam.html", out / "exam.pdf"),
                                 (True, key / "html" / "exam-answers.html", key / "exam-answers.pdf")):
        page_.write_text(exam_html(exam, answers, mathjax_key if answers else mathjax_public), encoding="utf-8")
        jobs.append((page_, pdf_))
    page_ = out / "html" / "summary.html"
    page_.write_text(summary_html(mathjax_public), encoding="utf-8")
    jobs.append((page_, out / "summary.pdf"))

    from playwright.sync_api import sync_playwright

    from pdf import CHROMIUM, CHROMIUM_ARGS
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for page_, pdf_ in jobs:
                html_to_pdf(page_, pdf_, browser=browser)
        finally:
            browser.close()
    return {str(pdf_.relative_to(out)): pdf_ for _, pdf_ in jobs}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "build" / "kit", help="output folder (default build/kit)")
    parser.add_argument("--tables", action="store_true",
                        help="print the exercise table of every lecture, as book/lecturers.md must show it, and stop")
    args = parser.parse_args(argv)
    if args.tables:
        the_plan, the_exercises = plan(), exercises()
        for number in the_plan["lectures"]:
            print(f"Lecture {number}:\n\n{exercise_table(number, the_plan, the_exercises)}\n")
        return
    start = time.perf_counter()
    pdfs = build(args.out)
    try:
        from pypdf import PdfReader
        pages = {name: len(PdfReader(path).pages) for name, path in pdfs.items()}
    except ImportError:
        pages = {name: "?" for name in pdfs}
    for name in pdfs:
        print(f"{name}: {pages[name]} page(s)")
    print(f"kit: {len(pdfs)} PDFs in {args.out} ({time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
