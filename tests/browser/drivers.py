"""Answering widget exercises in the page, one driver per widget kind.

Each driver works from the exercise's key entry, so the tests follow the key when
an author rewords an option; the right answer comes from the engine's own
`right_answer`/`best_path`.  `ex` is the Locator of the exercise's `.ck-ex` box.
A new widget kind fails at one obvious place: `DRIVERS` (mirrors `trainee.widgets.VIEWS`).
"""
from __future__ import annotations

import re

from grading.core.keys import MANUAL_KINDS
from grading.core.status import CORRECT, SUBMITTED
from grading.core.widget_models import best_path

from .server import FEEDBACK_MS

# Kinds a person grades: the right answer is "submitted", not "correct"; a short one is
# "submitted" too (listed for the instructor, never failed), so the message tells them apart.
RIGHT_STATUS = {kind: SUBMITTED for kind in MANUAL_KINDS}
WRONG_STATUSES = {kind: [SUBMITTED] for kind in MANUAL_KINDS}
RIGHT_TEXT = {kind: "Your instructor grades" for kind in MANUAL_KINDS}


def expect_feedback(ex, statuses, text: str | None = None, timeout: float = FEEDBACK_MS):
    """Bounded wait until the feedback has one of `statuses` (and contains `text`)."""
    from playwright.sync_api import expect
    fb = ex.locator(".ck-feedback")
    expect(fb).to_have_class(re.compile(r"\bck-feedback--(%s)\b" % "|".join(statuses)), timeout=timeout)
    if text:
        expect(fb).to_contain_text(text, timeout=timeout)
    return fb


def click_check(ex) -> None:
    ex.locator(".ck-check-btn").click()


def _expect():
    from playwright.sync_api import expect
    return expect


def _words(n: int) -> list[str]:
    return " ".join(["The repair came late and nobody called me back about it."] * (n // 11 + 1)).split()[:n]


class ChooseOne:
    def radio(self, ex, i):
        return ex.locator(".ck-options input[type=radio]").nth(i)

    def right_index(self, spec) -> int:
        return next(i for i, o in enumerate(spec["options"]) if o.get("correct"))

    def wrong(self, ex, spec) -> str:
        i = max(i for i, o in enumerate(spec["options"]) if not o.get("correct"))
        self.radio(ex, i).check()
        click_check(ex)
        return spec["options"][i].get("feedback", "Not this one.")

    def right(self, ex, spec) -> None:
        self.radio(ex, self.right_index(spec)).check()
        click_check(ex)

    def restored(self, ex, spec) -> None:
        _expect()(self.radio(ex, self.right_index(spec))).to_be_checked(timeout=FEEDBACK_MS)


class ChooseMany:
    def box(self, ex, i):
        return ex.locator(f".ck-option-{i} input[type=checkbox]")

    def wrong(self, ex, spec) -> str:
        wrong = next(i for i, o in enumerate(spec["options"]) if not o.get("correct") and o.get("feedback"))
        for i, o in enumerate(spec["options"]):
            self.box(ex, i).set_checked(bool(o.get("correct")) or i == wrong)
        click_check(ex)
        return spec["options"][wrong]["feedback"]

    def right(self, ex, spec) -> None:
        for i, o in enumerate(spec["options"]):
            self.box(ex, i).set_checked(bool(o.get("correct")))
        click_check(ex)

    def restored(self, ex, spec) -> None:
        for i, o in enumerate(spec["options"]):
            _expect()(self.box(ex, i)).to_be_checked(checked=bool(o.get("correct")), timeout=FEEDBACK_MS)


class Buckets:
    def select(self, ex, spec, item_text: str):
        texts = [ex.locator(f".ck-item-{i} .ck-item-text").inner_text().strip() for i in range(len(spec["items"]))]
        return ex.locator(f".ck-item-{texts.index(item_text)} select")

    def wrong(self, ex, spec) -> str:
        misplaced = next(it for it in spec["items"] if it.get("feedback"))
        for it in spec["items"]:
            bucket = it["bucket"] if it is not misplaced else next(b for b in spec["buckets"] if b != it["bucket"])
            self.select(ex, spec, it["text"]).select_option(label=bucket)
        click_check(ex)
        return misplaced["feedback"]

    def right(self, ex, spec) -> None:
        for it in spec["items"]:
            self.select(ex, spec, it["text"]).select_option(label=it["bucket"])
        click_check(ex)

    def restored(self, ex, spec) -> None:
        for it in spec["items"]:
            shown = self.select(ex, spec, it["text"]).evaluate("s => s.options[s.selectedIndex].textContent")
            assert " ".join(shown.split()) == it["bucket"], (it["text"], shown)  # ipywidgets uses &nbsp;


class Order:
    def wrong(self, ex, spec) -> str:
        click_check(ex)  # the view never starts in the right order
        return "Look again at position"

    def right(self, ex, spec) -> None:
        """Move steps with the up arrows until they read right (the view redraws after each move)."""
        target = list(spec["steps"])
        for pos, step in enumerate(target):
            for _ in range(len(target)):
                now = [t.strip() for t in ex.locator(".ck-step-text").all_inner_texts()]
                i = now.index(step)
                if i <= pos:
                    break
                ex.locator(f".ck-step-{i} .ck-up").click()
                _expect()(ex.locator(f".ck-step-{i - 1} .ck-step-text")).to_have_text(step, timeout=FEEDBACK_MS)
        click_check(ex)

    def restored(self, ex, spec) -> None:
        _expect()(ex.locator(".ck-step-text")).to_have_text(list(spec["steps"]), timeout=FEEDBACK_MS)


class Numeric:
    def type(self, ex, value: float) -> None:
        """Type into the slider's editable read-out, as a trainee can (Enter commits)."""
        readout = ex.locator(".ck-number .widget-readout")
        readout.click()
        readout.press("Control+A")
        readout.type(f"{value:g}")
        readout.press("Enter")

    def wrong(self, ex, spec) -> str:
        lo, hi, want = float(spec["min"]), float(spec["max"]), float(spec["expected"])
        step = float(spec.get("step", 1))
        far = max(float(spec.get("tol", 0)), float(spec.get("partial_tol", 0)))
        value = next(v for v in (lo + round((want - lo) / 2 / step) * step, hi, lo)
                     if abs(v - want) > far and v != float(spec.get("start", lo)))
        self.type(ex, value)
        click_check(ex)
        low = value < want
        return spec.get("feedback_low" if low else "feedback_high", "Too low." if low else "Too high.")[1:]

    def right(self, ex, spec) -> None:
        self.type(ex, float(spec["expected"]))
        click_check(ex)

    def restored(self, ex, spec) -> None:
        got = float(ex.locator(".ck-number .widget-readout").inner_text())
        assert abs(got - float(spec["expected"])) <= float(spec.get("tol", 0)), got


class Scenario:
    def play(self, ex, path: list[int]) -> None:
        ex.locator(".ck-check-btn").click()  # "Start again"
        _expect()(ex.locator(".ck-transcript .ck-say-you")).to_have_count(0, timeout=FEEDBACK_MS)
        for turn, i in enumerate(path, 1):
            ex.locator(f".ck-reply-{i}").click()
            _expect()(ex.locator(".ck-transcript .ck-say-you")).to_have_count(turn, timeout=FEEDBACK_MS)

    def wrong(self, ex, spec) -> str:
        path = best_path(spec, worst=True)[1]
        self.play(ex, path)
        return spec["nodes"][spec["start"]]["replies"][path[0]].get("feedback", "")

    def right(self, ex, spec) -> None:
        self.play(ex, best_path(spec)[1])  # the last reply ends the conversation and saves it

    def restored(self, ex, spec) -> None:
        count = len(best_path(spec)[1])
        _expect()(ex.locator(".ck-transcript .ck-say-you")).to_have_count(count, timeout=FEEDBACK_MS)


class Reflection:
    def wrong(self, ex, spec) -> str:
        need = int(spec.get("min_words", 2))
        ex.locator(".ck-text textarea").fill(" ".join(_words(max(1, need // 3))))
        click_check(ex)
        return f"aim for at least {need}"

    def right(self, ex, spec) -> None:
        ex.locator(".ck-text textarea").fill(" ".join(_words(int(spec.get("min_words", 0)) + 10)))
        click_check(ex)

    def restored(self, ex, spec) -> None:
        assert len(ex.locator(".ck-text textarea").input_value().split()) >= int(spec.get("min_words", 0))


class Form:
    def wrong(self, ex, spec) -> str:  # only the first part filled in
        first = spec["fields"][0]
        ex.locator(".ck-field-0 textarea").fill(" ".join(_words(int(first.get("min_words", 1)) + 2)))
        click_check(ex)
        return "still missing or too short"

    def right(self, ex, spec) -> None:
        for i, f in enumerate(spec["fields"]):
            ex.locator(f".ck-field-{i} textarea").fill(" ".join(_words(int(f.get("min_words", 1)) + 2)))
        click_check(ex)

    def restored(self, ex, spec) -> None:
        for i, f in enumerate(spec["fields"]):
            got = ex.locator(f".ck-field-{i} textarea").input_value()
            assert len(got.split()) >= int(f.get("min_words", 1)), (f["name"], got)


DRIVERS = {"choose-one": ChooseOne(), "choose-many": ChooseMany(), "buckets": Buckets(), "order": Order(),
           "numeric": Numeric(), "scenario": Scenario(), "reflection": Reflection(), "form": Form()}


def driver(spec):
    try:
        return DRIVERS[spec["kind"]]
    except KeyError:
        raise ValueError(f"no browser driver for widget kind {spec['kind']!r}: add one to "
                         "tests/browser/drivers.py") from None


def answer_wrong(ex, spec) -> str:
    """Give a wrong answer through the page; returns the specific feedback text to expect."""
    return driver(spec).wrong(ex, spec)


def answer_right(ex, spec) -> None:
    driver(spec).right(ex, spec)


def assert_restored(ex, spec) -> None:
    """The right answer given earlier is back in the inputs, with its feedback (bounded waits)."""
    driver(spec).restored(ex, spec)
    expect_feedback(ex, [RIGHT_STATUS.get(spec["kind"], CORRECT)], "Your saved answer is back.")
