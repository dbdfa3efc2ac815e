"""ipywidgets views of the exercise models; `show(exercise_id)` builds one from the key.

Every part carries stable CSS classes (ck-ex, ck-ex-<id>, ck-check-btn,
ck-feedback, ...) so browser tests and styling never depend on random ids.
Answers are saved to the answers file on every Check and restored on show().

Text from the key is shown in the reader's language (`widget_models.shown`), but
what a view saves is the key's own text (or an index): the same answer in every
language, so a trainee who switches language keeps their work.
"""
from __future__ import annotations

import os
import re

from ..core.assess import BATCH_ENV, assess
from ..core.canon import to_data
from ..core.i18n import N_, _, join, ngettext
from ..core.length import shown_length
from ..core.rules import Verdict, norm_text
from ..core.status import ERROR
from ..core.widget_models import Scenario, canonical, form_missing, form_missing_shown, shown, stable_shuffle
from . import answers_file
from .check import CheckResult, lookup, note_help, save_answer

EMPTY = N_("— choose —")  # the value of an empty bucket choice; shown translated


def _w():
    import ipywidgets
    return ipywidgets


def css_id(exercise_id: str) -> str:
    return "ck-ex-" + re.sub(r"[^a-z0-9]+", "-", exercise_id.lower()).strip("-")


def _classed(widget, *classes):
    for c in classes:
        widget.add_class(c)
    return widget


# Layout the notebook's width allows (ipywidgets' defaults cut button labels with "…", give
# multi-line labels a 28 px line height and fix drop-downs too narrow for long bucket names).
STYLE = """<style>
.ck-ex .ck-reply.jupyter-button, .ck-ex .ck-reply.widget-button {
  white-space: normal; height: auto; min-height: var(--jp-widgets-inline-height); text-align: left;
  line-height: 1.4; padding: 4px 10px; max-width: 100%; }
.ck-ex .ck-replies { flex-wrap: wrap; }
.ck-ex .ck-item { width: 100%; align-items: center; gap: 8px; }
.ck-ex .ck-item-label { flex: 1 1 24em; min-width: 12em; }
.ck-ex .widget-html-content { line-height: 1.45; white-space: normal; }
.ck-ex .ck-bucket-select { flex: 0 1 auto; width: auto; min-width: 16em; max-width: 50%; }
.ck-ex .ck-bucket-select select { width: 100%; }
.ck-ex .ck-code pre { white-space: pre-wrap; margin: 4px 0; padding: 6px 8px; }
</style>"""


class ExerciseView:
    """Title, prompt, the kind-specific inputs, a Check button, feedback and help."""

    def __init__(self, notebook: str, spec: dict):
        w = _w()
        self.notebook, self.spec, self.id = notebook, spec, spec["id"]
        self.feedback = _classed(w.HTML(), "ck-feedback")
        self.help = _classed(w.HTML(), "ck-help")
        self.check_button = _classed(w.Button(description=_(self.button_label), button_style="primary"),
                                     "ck-check-btn")
        self.check_button.on_click(lambda _b: self.submit())
        buttons = [self.check_button]
        if spec.get("hints"):
            self._hints_shown = 0
            b = _classed(w.Button(description=_("Hint"), icon="lightbulb-o"), "ck-hint-btn")
            b.on_click(lambda _b: self.show_hint())
            buttons.append(b)
        if spec.get("solution"):
            b = _classed(w.Button(description=_("Worked solution")), "ck-solution-btn")
            b.on_click(lambda _b: self.show_solution())
            buttons.append(b)
        title = self.shown(spec.get("title")) or self.id
        pts = spec["points"]
        points = ngettext("({points} point)", "({points} points)", _count(pts)).format(points=f"{pts:g}")
        header = w.HTML(STYLE + f"<b>{title}</b> <span class='ck-points'>{points}</span>"
                        + (f"<div class='ck-prompt'>{self.shown(spec['prompt'])}</div>" if spec.get("prompt") else ""))
        self.widget = _classed(
            w.VBox([header, self.build(), _classed(w.HBox(buttons), "ck-buttons"), self.feedback, self.help]),
            "ck-ex", f"ck-ex--{spec['kind']}", css_id(self.id))
        self.restore()

    button_label = N_("Check")

    def shown(self, text):
        """A text of this exercise's key in the reader's language."""
        return shown(self.spec, text)

    def _repr_mimebundle_(self, **kwargs):
        # A short, stable text form: nbval compares it, and the widget's own repr
        # would include saved answers and feedback.
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = f"<{self.spec['kind']} exercise {self.id}>"
        return bundle

    # -- to be provided per kind --------------------------------------------------
    def build(self):
        raise NotImplementedError

    def answer(self):
        raise NotImplementedError

    def set_answer(self, value) -> None:
        raise NotImplementedError

    # -- shared behaviour -----------------------------------------------------------
    def submit(self) -> Verdict:
        data = to_data(self.answer())
        verdict = assess(self.notebook, self.spec, data)
        save_answer(self.notebook, self.spec, data, verdict)
        self.render(verdict)
        return verdict

    def render(self, verdict: Verdict, note: str = "") -> None:
        if note:
            verdict = Verdict(verdict.status, verdict.score, join(note, verdict.message), verdict.details)
        result = CheckResult(self.id, verdict, self.spec["points"])
        self.feedback.value = result._repr_html_()
        for c in list(self.feedback._dom_classes):
            if c.startswith("ck-feedback--"):
                self.feedback.remove_class(c)
        self.feedback.add_class(f"ck-feedback--{verdict.status}")

    def restore(self) -> None:
        saved = answers_file.read(answers_file.answers_path(self.notebook))["exercises"].get(self.id)
        if not saved or "value" not in saved or saved["value"].get("kind") == "missing":
            return
        try:
            self.set_answer(_plain(saved["value"]))
        except (KeyError, ValueError, TypeError, IndexError):
            return  # an answer from an older key: start fresh, the file keeps it
        self.render(assess(self.notebook, self.spec, saved["value"]), _("Your saved answer is back."))

    def show_hint(self) -> None:
        hints = self.spec["hints"]
        self._hints_shown = min(self._hints_shown + 1, len(hints))
        items = "".join(f"<li>{self.shown(h)}</li>" for h in hints[: self._hints_shown])
        title = _("Hints")
        self.help.value = f"<div class='ck-hints'><b>{title}</b><ol>{items}</ol></div>"
        note_help(self.notebook, self.id, hints_seen=self._hints_shown)

    def show_solution(self) -> None:
        import html
        from .check import code_html, is_code
        solution = self.shown(self.spec["solution"])
        text = code_html(solution) if is_code(solution) else html.escape(solution).replace("\n", "<br>")
        title = _("Worked solution")
        self.help.value = f"<div class='ck-solution'><b>{title}</b><div>{text}</div></div>"
        note_help(self.notebook, self.id, solution_seen=True)


def _count(points) -> int:
    """A number of points as ngettext takes it (an int; 1.5 points are plural)."""
    return int(points) if float(points).is_integer() else 2


def _rubric(view) -> str:
    """The rubric as a list: what a person looks for, and the points for each."""
    items = "".join("<li>" + _("{criterion} ({points} pts)").format(criterion=view.shown(r["criterion"]),
                                                                   points=f"{r['points']:g}") + "</li>"
                    for r in view.spec.get("rubric") or [])
    summary = _("How this is graded")
    return f"<details class='ck-rubric'><summary>{summary}</summary><ul>{items}</ul></details>" if items else ""


def _plain(data: dict):
    """Canonical data back to the plain Python a view can show."""
    kind = data.get("kind")
    if kind in ("number", "text", "bool"):
        return data["value"]
    if kind in ("list", "set"):
        return list(data["items"])
    if kind == "mapping":
        return dict(zip(data["keys"], data["values"]))
    return None


def _to_key(view, texts, value) -> str:
    """A saved or given text (in any language) as the key's own text; ValueError if it is none of `texts`."""
    found = canonical(view.spec, texts).get(norm_text(value))
    if found is None:
        raise ValueError(f"{value!r} is not in the key")
    return found


class ChooseOneView(ExerciseView):
    def build(self):
        w = _w()
        self.texts = [o["text"] for o in self.spec["options"]]
        # (label shown, value saved): the label in the reader's language, the value the key's text
        self.options = _classed(w.RadioButtons(options=[(self.shown(t), t) for t in self.texts], value=None,
                                               layout=w.Layout(width="auto")), "ck-options")
        return self.options

    def answer(self):
        return self.options.value if self.options.value is not None else ...

    def set_answer(self, value):
        self.options.value = _to_key(self, self.texts, value)


class ChooseManyView(ExerciseView):
    def build(self):
        w = _w()
        self.texts = [o["text"] for o in self.spec["options"]]
        self.boxes = [_classed(w.Checkbox(description=self.shown(t), value=False, indent=False,
                                          layout=w.Layout(width="auto")), "ck-option", f"ck-option-{i}")
                      for i, t in enumerate(self.texts)]
        return _classed(w.VBox(self.boxes), "ck-options")

    def answer(self):
        return [t for t, b in zip(self.texts, self.boxes) if b.value]

    def set_answer(self, value):
        known = canonical(self.spec, self.texts)
        chosen = {known.get(norm_text(v)) for v in value}  # an option the key no longer has is left out
        for t, b in zip(self.texts, self.boxes):
            b.value = t in chosen


class BucketsView(ExerciseView):
    def build(self):
        w = _w()
        items = stable_shuffle(self.id, [it["text"] for it in self.spec["items"]])
        choices = [(_(EMPTY), EMPTY), *((self.shown(b), b) for b in self.spec["buckets"])]
        self.selects = {}
        rows = []
        for i, text in enumerate(items):
            sel = _classed(w.Dropdown(options=choices, value=EMPTY, layout=w.Layout(width="auto")),
                           "ck-bucket-select")
            self.selects[text] = sel
            label = _classed(w.HTML(f"<span class='ck-item-text'>{self.shown(text)}</span>"), "ck-item-label")
            rows.append(_classed(w.HBox([label, sel]), "ck-item", f"ck-item-{i}"))
        return _classed(w.VBox(rows), "ck-items")

    def answer(self):
        return {t: s.value for t, s in self.selects.items() if s.value != EMPTY}

    def set_answer(self, value):
        items = list(self.selects)
        for text, bucket in value.items():
            try:
                item = _to_key(self, items, text)
            except ValueError:
                continue  # an item the key no longer has
            self.selects[item].value = _to_key(self, self.spec["buckets"], bucket)


class OrderView(ExerciseView):
    def build(self):
        w = _w()
        self.order = stable_shuffle(self.id, list(self.spec["steps"]))
        if self.order == list(self.spec["steps"]):  # never start solved
            self.order = self.order[1:] + self.order[:1]
        self.box = _classed(w.VBox(), "ck-order")
        self._draw()
        return self.box

    def _draw(self):
        w = _w()
        rows = []
        for i, text in enumerate(self.order):
            up = _classed(w.Button(icon="arrow-up", tooltip=_("Move up"), layout=w.Layout(width="3em")), "ck-up")
            down = _classed(w.Button(icon="arrow-down", tooltip=_("Move down"), layout=w.Layout(width="3em")),
                            "ck-down")
            up.on_click(lambda _b, i=i: self.move(i, -1))
            down.on_click(lambda _b, i=i: self.move(i, +1))
            label = _classed(w.HTML(f"<span class='ck-step-num'>{i + 1}.</span> "
                                    f"<span class='ck-step-text'>{self.shown(text)}</span>"), "ck-step-label")
            rows.append(_classed(w.HBox([up, down, label]), "ck-step", f"ck-step-{i}"))
        self.box.children = rows

    def move(self, i: int, delta: int) -> None:
        j = i + delta
        if 0 <= j < len(self.order):
            self.order[i], self.order[j] = self.order[j], self.order[i]
            self._draw()

    def answer(self):
        return list(self.order)

    def set_answer(self, value):
        steps = list(self.spec["steps"])
        value = [_to_key(self, steps, v) for v in value]
        if sorted(value) != sorted(steps):
            raise ValueError("saved steps do not match the key")
        self.order = list(value)
        self._draw()


class NumericView(ExerciseView):
    def build(self):
        w = _w()
        s = self.spec
        self.slider = _classed(w.FloatSlider(value=s.get("start", s["min"]), min=s["min"], max=s["max"],
                                             step=s.get("step", 1), description=self.shown(s.get("unit", "")),
                                             continuous_update=False, readout_format=s.get("format", ".1f"),
                                             layout=w.Layout(width="32em")), "ck-number")
        self.touched = False
        self.slider.observe(lambda _b: setattr(self, "touched", True), "value")
        return self.slider

    def answer(self):
        return self.slider.value if self.touched else ...

    def set_answer(self, value):
        self.slider.value = float(value)
        self.touched = True


class ScenarioView(ExerciseView):
    button_label = N_("Start again")

    def build(self):
        w = _w()
        self.play = Scenario(self.spec)
        self.transcript = _classed(w.HTML(), "ck-transcript")
        self.replies = _classed(w.VBox(), "ck-replies")
        self.lines: list[str] = []
        self._turn()
        return w.VBox([self.transcript, self.replies])

    def _say(self, who: str, text: str, css: str) -> None:
        who = _("{speaker}:").format(speaker=who)
        self.lines.append(f"<div class='{css}'><b>{who}</b> {text}</div>")
        self.transcript.value = "".join(self.lines)

    def _turn(self) -> None:
        w = _w()
        node = self.play.node
        if node.get("customer"):
            self._say(_("Customer"), self.shown(node["customer"]), "ck-say-customer")
        buttons = []
        for i, reply in enumerate(node.get("replies") or []):
            text = self.shown(reply["text"])
            b = _classed(w.Button(description=text, layout=w.Layout(width="auto", height="auto"),
                                  tooltip=text), "ck-reply", f"ck-reply-{i}")
            b.on_click(lambda _b, i=i: self.pick(i))
            buttons.append(b)
        self.replies.children = buttons

    def pick(self, index: int) -> None:
        reply = self.play.choose(index)
        self._say(_("You"), self.shown(reply["text"]), "ck-say-you")
        if reply.get("consequence"):
            self._say(_("What happens"), self.shown(reply["consequence"]), "ck-consequence")
        self._turn()
        data = to_data(list(self.play.path))
        verdict = assess(self.notebook, self.spec, data)
        if self.play.finished:
            if not self._replaying:  # restoring a saved path is not a new attempt
                save_answer(self.notebook, self.spec, data, verdict)
            self.render(verdict)
        else:
            self.feedback.value = (f"<div class='ck-turn-feedback'>{self.shown(reply.get('feedback', ''))}</div>")

    def submit(self):  # the button restarts the conversation
        self.play.restart()
        self.lines = []
        self.feedback.value = ""
        self._turn()

    def answer(self):
        return list(self.play.path) or ...

    _replaying = False

    def set_answer(self, value):
        self.play.restart()
        self.lines = []
        self._turn()
        self._replaying = True
        try:
            for index in value:
                self.pick(int(index))
        finally:
            self._replaying = False


class ReflectionView(ExerciseView):
    button_label = N_("Save")

    def build(self):
        w = _w()
        self.text = _classed(w.Textarea(placeholder=_("Write your reflection here…"),
                                        layout=w.Layout(width="100%", height="12em")), "ck-text")
        # the live count measures as the reflection is judged: words, or characters (字) in Chinese
        self.words = _classed(w.HTML(shown_length("")), "ck-word-count")
        self.text.observe(lambda ch: setattr(self.words, "value", shown_length(ch["new"])), "value")
        parts = [self.text, self.words]
        rubric = _rubric(self)
        if rubric:
            parts.append(w.HTML(rubric))
        return w.VBox(parts)

    def answer(self):
        return self.text.value if self.text.value.strip() else ...

    def set_answer(self, value):
        self.text.value = value


class FormView(ExerciseView):
    """One text box per part; a live line says which parts are still missing."""
    button_label = N_("Save")

    def build(self):
        w = _w()
        self.fields = {}
        rows = []
        for i, field in enumerate(self.spec["fields"]):
            label = w.HTML(f"<b>{self.shown(field.get('label')) or field['name']}</b>"
                           + (f"<div class='ck-field-help'>{self.shown(field['help'])}</div>"
                              if field.get("help") else ""))
            box = _classed(w.Textarea(layout=w.Layout(width="100%", height=field.get("height", "4.5em"))),
                           "ck-field", f"ck-field-{i}")
            box.observe(lambda _b: self._update_status(), "value")
            self.fields[field["name"]] = box  # saved under the part's name, the same in every language
            rows.append(_classed(w.VBox([label, box]), "ck-form-part"))
        self.status = _classed(w.HTML(), "ck-form-status")
        self._update_status()
        parts = [*rows, self.status]
        rubric = _rubric(self)
        if rubric:
            parts.append(w.HTML(rubric))
        return _classed(w.VBox(parts), "ck-form")

    def _update_status(self) -> None:
        missing = form_missing(self.spec, {k: b.value for k, b in self.fields.items()})
        total = len(self.spec["fields"])
        count = _("{filled} of {total} parts filled in").format(filled=total - len(missing), total=total)
        self.status.value = (f"<span class='ck-form-count'>{count}</span>"
                             + (_(" — still missing: {parts}").format(parts=form_missing_shown(self.spec, missing))
                                if missing else " ✔"))

    def answer(self):
        values = {k: b.value for k, b in self.fields.items()}
        return values if any(v.strip() for v in values.values()) else ...

    def set_answer(self, value):
        for name, text in value.items():
            if name in self.fields:
                self.fields[name].value = text or ""


VIEWS = {"choose-one": ChooseOneView, "choose-many": ChooseManyView, "buckets": BucketsView,
         "order": OrderView, "numeric": NumericView, "scenario": ScenarioView, "reflection": ReflectionView, "form": FormView}


def show(exercise_id: str):
    """The widget for a widget exercise, with any saved answer restored."""
    if os.environ.get(BATCH_ENV):  # the grader's kernel: widget answers are read from the answers file
        return None
    found = lookup(exercise_id)
    if isinstance(found, CheckResult):
        return found
    notebook, spec = found
    if spec["kind"] not in VIEWS:
        return CheckResult(exercise_id, Verdict(ERROR, 0.0, _('{id} is a code exercise: answer it in code '
                                                              'and run check("{id}", ...).').format(id=exercise_id)))
    return VIEWS[spec["kind"]](notebook, spec)
