"""progress(): your work in every module, read from the answers files, and where to go next.

For each module (every key in grading/keys/) it counts the exercises done, the
ones that are right and the points earned of the total, draws a bar chart and
suggests what to do next: the first module with exercises still open, or the
ones worth a retry.  Saved answers are judged again against the current key
(as the grader does, without the hidden checks), so a corrected key counts.

It never fails on your files: with no answers file a module simply shows
nothing done, and a damaged file is set aside by `answers_file.read` (kept as
`<name>.damaged-N`) and reported.
"""
from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..core import keys
from ..core.i18n import _, join, key_text, listed
from ..core.keys import MANUAL_KINDS
from ..core.status import CORRECT, ERROR, INVALID, SUBMITTED, UNANSWERED
from ..core.fonts import use_course_fonts
from . import answers_file

OPEN, RETRY = "open", "retry"


@dataclass
class ExerciseProgress:
    id: str
    kind: str
    points: float
    status: str = UNANSWERED       # correct / partial / incorrect / invalid / submitted / unanswered
    earned: float = 0.0

    @property
    def done(self) -> bool:
        return self.status != UNANSWERED

    @property
    def graded_by_person(self) -> bool:
        return self.kind in MANUAL_KINDS

    @property
    def state(self) -> str:
        """'open' (not answered), 'retry' (answered, not yet right) or 'ok'."""
        if not self.done:
            return OPEN
        if self.status in (CORRECT, SUBMITTED):
            return "ok"
        return RETRY


@dataclass
class ModuleProgress:
    notebook: str
    title: str
    exercises: list[ExerciseProgress] = field(default_factory=list)
    note: str = ""

    @property
    def total(self) -> int:
        return len(self.exercises)

    @property
    def done(self) -> int:
        return sum(e.done for e in self.exercises)

    @property
    def auto(self) -> int:
        """Exercises the kit grades itself (all but reflections and forms)."""
        return sum(not e.graded_by_person for e in self.exercises)

    @property
    def correct(self) -> int:
        return sum(e.status == CORRECT for e in self.exercises)

    @property
    def points(self) -> float:
        return sum(e.points for e in self.exercises)

    @property
    def earned(self) -> float:
        return sum(e.earned for e in self.exercises)

    @property
    def pending(self) -> float:
        """Points of submitted reflections and forms, still to be graded by the instructor."""
        return sum(e.points for e in self.exercises if e.graded_by_person and e.status == SUBMITTED)

    def ids(self, state: str) -> list[str]:
        return [e.id for e in self.exercises if e.state == state]

    @property
    def finished(self) -> bool:
        return all(e.state == "ok" for e in self.exercises)


def _exercise_progress(notebook: str, spec: dict, record: dict | None) -> ExerciseProgress:
    ex = ExerciseProgress(spec["id"], spec["kind"], float(spec.get("points", 0)))
    if not record:
        return ex
    value = record.get("value")
    if not isinstance(value, dict) or value.get("kind") == "missing":
        return ex
    try:
        from ..core.assess import assess
        verdict = assess(notebook, spec, value)
        ex.status, ex.earned = verdict.status, verdict.score * ex.points
    except Exception:  # an answer the current key cannot judge: trust what was saved
        ex.status = record.get("status") if isinstance(record.get("status"), str) else INVALID
        score = record.get("score")
        ex.earned = float(score) if isinstance(score, (int, float)) else 0.0
    if ex.status == ERROR:
        ex.status = INVALID
    if ex.status == SUBMITTED:
        ex.earned = 0.0  # graded by a person later
    return ex


def collect(folder=None) -> list[ModuleProgress]:
    """Progress per module, in course order, from the answers files in `folder`."""
    modules = []
    for key_path in keys.key_files():
        try:
            key = keys.notebook_key(key_path.stem)
        except Exception as exc:  # a broken key must not hide the other modules
            modules.append(ModuleProgress(key_path.stem, key_path.stem,
                                          note=_("its answer key could not be read: {error}").format(error=exc)))
            continue
        notebook = key["notebook"]
        path = answers_file.answers_path(notebook, Path(folder) if folder else None)
        existed = path.exists()
        try:
            saved = answers_file.read(path)["exercises"]
        except OSError as exc:
            saved, note = {}, _("could not read {file}: {error}").format(file=path.name, error=exc)
        else:
            note = ""
            if existed and not path.exists():
                note = _("{file} was damaged; it is kept as {file}.damaged-N and this module starts "
                         "afresh (your instructor can recover it).").format(file=path.name)
        module = ModuleProgress(notebook, key_text(notebook, "module", key.get("title")) or notebook, note=note)
        for spec in key["exercises"]:
            record = saved.get(spec["id"])
            module.exercises.append(_exercise_progress(notebook, spec, record if isinstance(record, dict) else None))
        modules.append(module)
    return modules


def where_next(modules: list[ModuleProgress]) -> str:
    """One suggestion: the first module with open exercises, or what is worth a retry."""
    if not modules:
        return _("No course modules were found.")
    retry = [(m, m.ids(RETRY)) for m in modules if m.ids(RETRY)]
    for m in modules:
        still_open = m.ids(OPEN)
        if still_open:
            if m.done == 0:
                text = _("Start {notebook}.ipynb ({title}): {n} exercises are waiting.").format(
                    notebook=m.notebook, title=m.title, n=m.total)
            else:
                text = _("Carry on with {notebook}.ipynb ({title}): {n} exercise(s) still open: {ids}.").format(
                    notebook=m.notebook, title=m.title, n=len(still_open), ids=_list(still_open))
            earlier = [(r, ids) for r, ids in retry if r.notebook <= m.notebook]
            if earlier:
                text = join(text, _("Worth a retry before you move on: {where}.").format(where=_retry(earlier)))
            return text
    if retry:
        return _("Every exercise has an answer. Worth a retry (read the feedback, or ask for a hint): "
                 "{where}.").format(where=_retry(retry))
    return _("Every module is done and every auto-graded exercise is right. Well done!")


def _retry(modules) -> str:
    return listed((_("{ids} in {notebook}").format(ids=_list(ids), notebook=r.notebook) for r, ids in modules),
                  semicolons=True)


def _list(ids: list[str], most: int = 4) -> str:
    shown = listed(ids[:most])
    return _("{names} and {n} more").format(names=shown, n=len(ids) - most) if len(ids) > most else shown


def _points(x: float) -> str:
    """7.7, 19: one decimal at most."""
    return f"{x:g}" if float(x).is_integer() else f"{x:.1f}"


def _wrapped(label: str, width: int = 30) -> str:
    """A chart label on lines of about `width` columns: Latin words stay whole, Chinese may break
    between any two characters (which take two columns each)."""
    import re
    import unicodedata

    def size(text):
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    lines, line = [], ""
    for token in re.findall(r"[\u3000-\u9fff\uff00-\uffef]|[^\s\u3000-\u9fff\uff00-\uffef]+\s*|\s+", label):
        if line.strip() and size(line + token.rstrip()) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    return "\n".join([*lines, line.rstrip()])


def _pad(text: str, width: int, right: bool = False) -> str:
    """`text` padded to `width` columns (a CJK character takes two)."""
    import unicodedata
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    fill = " " * max(0, width - used)
    return fill + text if right else text + fill


class Progress:
    """What progress() returns: a table, a bar chart and a suggestion in Jupyter; plain text elsewhere."""

    def __init__(self, modules: list[ModuleProgress], folder: Path):
        self.modules, self.folder = modules, folder
        self.suggestion = where_next(modules)

    # -- data ---------------------------------------------------------------------------
    def table(self):
        """One row per module (a pandas DataFrame)."""
        import pandas as pd
        return pd.DataFrame([{"module": m.notebook, "title": m.title, "exercises": m.total, "done": m.done,
                              "correct": m.correct, "auto_graded": m.auto, "points": m.points,
                              "earned": round(m.earned, 4), "awaiting_instructor": m.pending,
                              "finished": m.finished} for m in self.modules])

    def figure(self):
        """A seaborn bar chart: share of exercises done and of points earned, per module."""
        import matplotlib
        with matplotlib.rc_context():
            use_course_fonts()  # Chinese labels and module titles need the course's CJK font
            return self._figure()

    def _figure(self):
        import pandas as pd
        import seaborn as sns
        from matplotlib.figure import Figure
        done, earned = _("exercises done"), _("points earned")
        rows = []
        for m in self.modules:
            label = _wrapped(f"{m.notebook[:2]} {m.title}")  # the whole name, on two lines if need be
            rows.append({"module": label, "measure": done,
                         "percent": 100 * m.done / m.total if m.total else 0})
            rows.append({"module": label, "measure": earned,
                         "percent": 100 * m.earned / m.points if m.points else 0})
        data = pd.DataFrame(rows, columns=["module", "measure", "percent"])
        fig = Figure(figsize=(8, 0.55 * max(len(self.modules), 1) + 1.4))
        ax = fig.subplots()
        if len(data):
            sns.barplot(data=data, y="module", x="percent", hue="measure", orient="h", ax=ax,
                        palette=["#90a4ae", "#2e7d32"])
            ax.legend(loc="lower left", bbox_to_anchor=(0, 1.01), ncol=2, frameon=False)  # above the bars
        ax.set_xlim(0, 100)
        ax.set_xlabel(_("% of the module"))
        ax.set_ylabel("")
        ax.set_title(_("Your progress"), loc="right")
        fig.tight_layout()
        return fig

    def png(self) -> bytes:
        import matplotlib
        buf = io.BytesIO()
        with matplotlib.rc_context():
            use_course_fonts()
            self._figure().savefig(buf, format="png", dpi=90)
        return buf.getvalue()

    # -- display -------------------------------------------------------------------------
    def _notes(self) -> list[str]:
        return [f"{m.notebook}: {m.note}" for m in self.modules if m.note]

    def __repr__(self) -> str:
        head = (_("module"), _("done"), _("correct"), _("points"))
        lines = [_("Your progress (answers files in {folder})").format(folder=self.folder),
                 f"{_pad(head[0], 28)} {_pad(head[1], 7, right=True)} {_pad(head[2], 8, right=True)}  {head[3]}"]
        for m in self.modules:
            pts = _("{earned} of {points}").format(earned=_points(m.earned), points=_points(m.points))
            if m.pending:
                pts = join(pts, _("(+{points} awaiting your instructor)").format(points=_points(m.pending)))
            lines.append(f"{m.notebook:<28} {m.done:>3}/{m.total:<3} {m.correct:>4}/{m.auto:<3}  {pts}")
        lines += [_("Note: {note}").format(note=n) for n in self._notes()]
        lines.append(_("Where next: {suggestion}").format(suggestion=self.suggestion))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        esc = html.escape
        rows = []
        for m in self.modules:
            pts = _("{earned} of {points}").format(earned=_points(m.earned), points=_points(m.points))
            if m.pending:
                pending = _("(+{points} awaiting your instructor)").format(points=_points(m.pending))
                pts += f" <span class='ck-pending'>{esc(pending)}</span>"
            state = "finished" if m.finished else ("started" if m.done else "not-started")
            rows.append(f"<tr class='ck-progress-row ck-progress--{state}' data-module='{esc(m.notebook)}'>"
                        f"<td style='text-align:left'><code>{esc(m.notebook)}</code><br><small>{esc(m.title)}</small></td>"
                        f"<td>{m.done} / {m.total}</td><td>{m.correct} / {m.auto}</td><td>{pts}</td></tr>")
        notes = "".join(f"<div class='ck-progress-note'>⚠ {esc(n)}</div>" for n in self._notes())
        img = base64.b64encode(self.png()).decode("ascii")
        where_next = _("<b>Where next:</b> {suggestion}").format(suggestion=esc(self.suggestion))
        stuck = _("Stuck? For a code exercise run <code>hint(\"id\")</code> (again for the next hint) or "
                  "<code>solution(\"id\")</code>; widget exercises have <b>{hint}</b> and <b>{solution}</b> "
                  "buttons where the course offers them.").format(hint=_("Hint"), solution=_("Worked solution"))
        heads = (_("Module"), _("Exercises done"), _("Correct (auto-graded)"), _("Points"))
        alt = esc(_("bar chart of your progress per module"), quote=True)
        return ("<div class='ck-progress' style='font-family:sans-serif'>"
                f"<table class='ck-progress-table'><thead><tr><th style='text-align:left'>{heads[0]}</th>"
                f"<th>{heads[1]}</th><th>{heads[2]}</th><th>{heads[3]}</th>"
                "</tr></thead><tbody>" + "".join(rows) +
                "</tbody></table>" + notes +
                f"<img class='ck-progress-plot' alt='{alt}' "
                f"src='data:image/png;base64,{img}'>"
                "<div class='ck-where-next' style='padding:6px 10px;border-left:4px solid #1565c0;"
                f"background:#e3f2fd'>{where_next}</div>"
                f"<div class='ck-progress-help'><small>{stuck}</small></div></div>")


def progress(folder=None) -> Progress:
    """Your progress across the course modules, from the answers files in `folder`.

    `folder` defaults to $GRADING_ANSWERS_DIR or the current folder (where your
    notebooks and their `<notebook>.answers.json` files are).
    """
    modules = collect(folder)
    where = answers_file.answers_path("x", Path(folder) if folder else None).parent
    return Progress(modules, where)
