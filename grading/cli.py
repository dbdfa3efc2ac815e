"""`python -m grading <command>`: release, workspace, keys, grade, collect, export, rubric, override, handout, translations."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .core.i18n import DEFAULT, LANGUAGES, _, normalise, use
from .core.paths import course_root


def _language(text: str) -> str:
    try:
        return normalise(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _instructor_language(lang: str | None) -> str:
    """What the instructor reads: --lang, else COURSE_LANG, else English."""
    try:
        from .grader.language import instructor_language
    except ModuleNotFoundError:  # a trainee hand-out has no grader
        return lang or DEFAULT
    return instructor_language(lang)


def _instructor_only(command: str) -> int:
    print(f"{command}: this command is for instructors and is not part of the trainee hand-out; "
          "run it in the course kit itself", file=sys.stderr)
    return 2


def _release(args) -> int:
    from .authoring.release import ReleaseError, release_course
    try:
        written = release_course(course_root(), Path(args.out), args.lang)
    except ReleaseError as exc:
        print(f"release failed: {exc}", file=sys.stderr)
        return 1
    print(f"released {len(written)} trainee notebooks ({args.lang}) into {args.out}")
    return 0


def _workspace(args) -> int:
    from .authoring.release import release_course
    from .authoring.workspace import sync
    from .core.i18n import LANG_FILE, folder_language
    workspace = Path(args.dir)
    # The workspace remembers its language; a new one takes the course's (a Chinese hand-out's).
    lang = args.lang or folder_language(workspace if (workspace / LANG_FILE).exists() else course_root())
    release = Path(args.release)
    release_course(course_root(), release, lang)
    for line in sync(release, workspace, lang) or [f"workspace is up to date ({lang})"]:
        print(line)
    return 0


def _translations(args) -> int:
    try:
        from .authoring.translations import problems, sync
    except ModuleNotFoundError:
        return _instructor_only("translations")
    langs = [args.lang] if args.lang else [code for code in LANGUAGES if code != DEFAULT]
    left = []
    for lang in langs:
        if not args.check:
            for line in sync(course_root(), lang):
                print(f"updated {line}")
        left += problems(course_root(), lang)
    for line in left:
        print(line, file=sys.stderr)
    print(f"{len(left)} translation(s) missing, changed or stale" if left else "every translation is complete and current")
    return 1 if left and args.check else 0


def _keys(args) -> int:
    try:
        from .authoring.record_keys import record_expected
    except ModuleNotFoundError:
        return _instructor_only("keys")
    from .authoring.release import masters
    todo = masters(course_root() / "notebooks")
    if args.notebooks:
        todo = [p for p in todo if p.stem in args.notebooks or p.name in args.notebooks]
    for path in todo:
        print(f"recorded {record_expected(path).name}")
    return 0


def _grade(args) -> int:
    try:
        from .grader import GradeError, Limits, Options, grade
    except ModuleNotFoundError:
        return _instructor_only("grade")
    limits = Limits(cell_timeout=args.cell_timeout, timeout=args.timeout, memory_mb=args.memory,
                    max_output_kb=args.max_output)
    notebooks = [n.strip().removesuffix(".ipynb") for n in args.notebooks.split(",") if n.strip()] \
        if args.notebooks else None
    opts = Options(Path(args.submissions), Path(args.out), notebooks, args.jobs, limits,
                   keys=Path(args.keys) if args.keys else None, force=args.force, quiet=args.quiet, lang=args.lang,
                   similarity=args.similarity, fresh=args.fresh_data, fresh_seed=args.fresh_seed,
                   roster=Path(args.roster) if args.roster else None,
                   due=tuple(args.due or ()), late_penalty=args.late_penalty,
                   extensions=Path(args.extensions) if args.extensions else None)
    with use(_instructor_language(args.lang)):  # what the instructor reads: --lang, else COURSE_LANG, else English
        try:
            summary = grade(opts)
        except GradeError as exc:
            print(f"grade: {exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("\n" + _("interrupted: what was graded is kept; run the same command again to continue"),
                  file=sys.stderr)
            return 130
        print(_("graded {graded}, reused {cached} cached; wrote {gradebook}, {report} and {feedback}").format(
            graded=summary.graded, cached=summary.cached, gradebook=f"{args.out}/gradebook.csv",
            report=f"{args.out}/report.html", feedback=f"{args.out}/feedback/"))
        if args.fresh_data and summary.graded:
            print(_("fresh data: {seconds} s of the run's execution time went to the second runs on fresh data "
                    "(drawing the data and running the masters included)").format(seconds=f"{summary.fresh_seconds:.1f}"))
    return 0


def _rubric(args) -> int:
    try:
        from .grader import GradeError, RubricError, export_rubric as export, merge_rubric as merge
    except ModuleNotFoundError:
        return _instructor_only("rubric")
    with use(_instructor_language(args.lang)):
        try:
            if args.action == "export":
                path, n = export(Path(args.outdir), Path(args.csv) if args.csv else None, lang=args.lang)
                print(_("wrote {count} answer(s) to grade by hand into {file}").format(count=n, file=path))
                print(_("grading sheets (every answer beside the rubric): {folder}").format(
                    folder=Path(args.outdir) / "sheets" / "index.html"))
            else:
                merged = merge(Path(args.outdir), Path(args.csv), lang=args.lang)
                if not merged.sheet.plain_format:
                    print(_("read {file} as {format}").format(file=args.csv, format=merged.sheet.described()))
                if merged.removed:
                    print(_("removed {count} score(s) whose cell was emptied").format(count=merged.removed))
                print(_("merged {count} manual score(s); gradebook, feedback and report updated").format(
                    count=merged.scores))
        except (GradeError, RubricError) as exc:
            print(f"rubric: {exc}", file=sys.stderr)
            return 2
    return 0


def _override(args) -> int:
    try:
        from .grader import GradeError, RubricError, override
        from .grader.gradebook import points_text
    except ModuleNotFoundError:
        return _instructor_only("override")
    with use(_instructor_language(args.lang)):
        if (args.points is None) == (not args.remove):
            print("override: " + _("give the points, or --remove to take the score set by hand away"), file=sys.stderr)
            return 2
        try:
            ex, score = override(Path(args.outdir), args.trainee, args.exercise, args.points, args.comment,
                                 lang=args.lang)
        except (GradeError, RubricError) as exc:
            print(f"override: {exc}", file=sys.stderr)
            return 2
        if score is None:
            print(_("{trainee} {exercise}: the score set by hand is removed; gradebook, feedback and report "
                    "updated").format(trainee=args.trainee, exercise=args.exercise))
        else:
            print(_("{trainee} {exercise}: {score} of {points} point(s), set by hand; gradebook, feedback and report "
                    "updated").format(trainee=args.trainee, exercise=args.exercise, score=points_text(score),
                                      points=points_text(ex["points"])))
    return 0


def _collect(args) -> int:
    try:
        from .grader.collect import CollectError, collect
        from .grader.roster import RosterError
    except ModuleNotFoundError:
        return _instructor_only("collect")
    with use(_instructor_language(args.lang)):
        try:
            report = collect(Path(args.download), args.lms, Path(args.out),
                             roster=Path(args.roster) if args.roster else None,
                             worksheet=Path(args.worksheet) if args.worksheet else None,
                             keys=Path(args.keys) if args.keys else None)
        except (CollectError, RosterError) as exc:
            print(f"collect: {exc}", file=sys.stderr)
            return 2
        for line in report.lines():
            print(line)
        print(_("wrote {folder} (and {mapping}); grade it with: python -m grading grade {folder} --out GRADES").format(
            folder=args.out, mapping=f"{args.out}/lms.csv"))
    return 0 if report.trainees else 1


def _export(args) -> int:
    try:
        from .grader import GradeError
        from .grader.export import export
    except ModuleNotFoundError:
        return _instructor_only("export")
    with use(_instructor_language(args.lang)):
        try:
            path, n = export(Path(args.outdir), args.format, Path(args.out) if args.out else None,
                             bom=True if args.bom else None)
        except GradeError as exc:
            print(f"export: {exc}", file=sys.stderr)
            return 2
        print(_("wrote the grades of {count} trainee(s) for {format} into {file}").format(
            count=n, format=args.format, file=path))
    return 0


def _handout(args) -> int:
    try:
        from .authoring.handout import HandoutError, handout
    except ModuleNotFoundError:
        return _instructor_only("handout")
    try:
        written = handout(course_root(), Path(args.dir), solutions=args.solutions and not args.no_solutions,
                          lang=args.lang, exam=args.exam)
    except HandoutError as exc:
        print(f"handout failed: {exc}", file=sys.stderr)
        return 1
    print(f"wrote the hand-out folder {args.dir} ({written} files); trainees run `make lab` there")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grading", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("release", help="build trainee notebooks and lesson pages from the masters")
    p.add_argument("--out", default="build/trainee")
    p.add_argument("--lang", type=_language, default=DEFAULT, help="en (default) or zh-CN")
    p.set_defaults(run=_release)
    p = sub.add_parser("workspace", help="refresh the trainee workspace; never overwrites your changes")
    p.add_argument("--dir", default="workspace")
    p.add_argument("--release", default="build/trainee")
    p.add_argument("--lang", type=_language, help="en or zh-CN (default: the language the workspace has)")
    p.set_defaults(run=_workspace)
    p = sub.add_parser("keys", help="(authors) run the masters and record expected answers")
    p.add_argument("notebooks", nargs="*")
    p.set_defaults(run=_keys)
    p = sub.add_parser("grade", help=_("(instructors) grade a folder of submissions: gradebook, feedback, report"))
    p.add_argument("submissions", help=_("one sub-folder per trainee, or files named <trainee>__<notebook>.ipynb"))
    p.add_argument("--out", required=True, help=_("output folder (gradebook.csv, feedback/, report.html, cache/)"))
    p.add_argument("--notebooks", help=_("comma-separated notebooks to grade (default: every submitted one with a key)"))
    p.add_argument("--jobs", type=int, default=0, help=_("notebooks run in parallel (default: number of cores)"))
    p.add_argument("--cell-timeout", type=float, default=60, help=_("seconds per cell (default 60)"))
    p.add_argument("--timeout", type=float, default=600, help=_("seconds per notebook (default 600)"))
    p.add_argument("--memory", type=int, default=2048, help=_("memory limit per kernel in MB (default 2048)"))
    p.add_argument("--max-output", type=int, default=2048, help=_("output kept per cell in KB (default 2048)"))
    p.add_argument("--keys", help=_("answer keys folder (default: the package's grading/keys)"))
    p.add_argument("--force", action="store_true", help=_("ignore cached results and grade everything again"))
    p.add_argument("--similarity", type=float, default=0.85,
                   help=_("list pairs of trainees whose answers are at least this similar, 0-1 (default 0.85; "
                          "report.html and similarity.csv; no points are taken off)"))
    p.add_argument("--fresh-data", nargs="?", const="flag", choices=["flag", "zero"],
                   help=_("run each submission again on the course data drawn afresh (another seed) and judge "
                          "its code answers against the master's on that data: a typed-in number is right only "
                          "on the course data. 'flag' (the default) keeps the points and says so; 'zero' gives "
                          "no points for such an answer"))
    p.add_argument("--fresh-seed", type=int, help=_("the fresh data's seed (default: drawn at the first fresh-data "
                                                    "run into the --out folder and kept there)"))
    p.add_argument("--quiet", action="store_true", help=_("no progress lines"))
    p.add_argument("--lang", type=_language, help=_("write every trainee's feedback and notes, and the report, in "
                                                    "this language: en or zh-CN (default: each trainee's feedback "
                                                    "in the language of their notebook; the report in COURSE_LANG, "
                                                    "else English)"))
    p.add_argument("--roster", help=_("class list CSV (id, name, e-mail): everyone on it gets a row, "
                                      "a trainee who handed in nothing too"))
    p.add_argument("--due", action="append", help=_("deadline: TIME for every notebook, or NOTEBOOK=TIME "
                                                    "(repeat the option); e.g. 2026-12-01T09:00 or "
                                                    "02-quality-gaps=2026-12-01T09:00+08:00"))
    p.add_argument("--late-penalty", type=float, default=0.0,
                   help=_("percent of a notebook's points taken off per started day late (default 0: "
                          "lateness is only noted)"))
    p.add_argument("--extensions", help=_("CSV with the columns trainee, due (and notebook): a later deadline "
                                          "for some trainees"))
    p.set_defaults(run=_grade)
    p = sub.add_parser("collect", help=_("(instructors) turn a Moodle or Canvas bulk download into a "
                                         "submissions folder"))
    p.add_argument("download", help=_("the downloaded zip, or the folder it was unpacked into"))
    p.add_argument("--lms", required=True, choices=["moodle", "canvas"], help=_("where the download comes from"))
    p.add_argument("--out", required=True, help=_("the submissions folder to write (one sub-folder per trainee)"))
    p.add_argument("--roster", help=_("class list CSV: name the folders by its ids (matched by LMS id, e-mail "
                                      "or name)"))
    p.add_argument("--worksheet", help=_("Moodle only: the assignment's grading worksheet CSV, for e-mail "
                                         "addresses and submission times"))
    p.add_argument("--keys", help=_("answer keys folder (default: the package's grading/keys)"))
    p.add_argument("--lang", type=_language, help=_("messages in this language: en or zh-CN"))
    p.set_defaults(run=_collect)
    p = sub.add_parser("export", help=_("(instructors) the grades for an LMS import: moodle, canvas or summary"))
    p.add_argument("outdir", help=_("the --out folder of a grading run"))
    p.add_argument("--format", required=True, choices=["moodle", "canvas", "summary"],
                   help=_("moodle, canvas (their import columns) or summary (for a spreadsheet)"))
    p.add_argument("--out", help=_("where to write (default OUTDIR/export-FORMAT.csv)"))
    p.add_argument("--bom", action="store_true", help=_("start with a UTF-8 BOM, so Excel shows Chinese names "
                                                        "correctly (summary has one anyway)"))
    p.add_argument("--lang", type=_language, help=_("messages in this language: en or zh-CN"))
    p.set_defaults(run=_export)
    p = sub.add_parser("rubric", help=_("(instructors) reflections and forms: export a rubric CSV, merge the filled one"))
    p.add_argument("action", choices=["export", "merge"])
    p.add_argument("outdir", help=_("the --out folder of a grading run"))
    p.add_argument("csv", nargs="?", help=_("export: where to write (default OUTDIR/rubric.csv); merge: the filled CSV"))
    p.add_argument("--lang", type=_language, help=_("the rubric sheet and the report in this language: en or zh-CN "
                                                    "(default: the grading run's --lang, else COURSE_LANG, else "
                                                    "English)"))
    p.set_defaults(run=_rubric)
    p = sub.add_parser("override", help=_("(instructors) set one trainee's points and comment for any exercise; "
                                          "kept across re-grades"))
    p.add_argument("outdir", help=_("the --out folder of a grading run"))
    p.add_argument("trainee")
    p.add_argument("exercise", help=_("an exercise id, e.g. gaps.alpha"))
    p.add_argument("points", nargs="?", help=_("the points to give (0 to the exercise's maximum; 2.5 or 2,5)"))
    p.add_argument("--comment", help=_("shown to the trainee on the feedback page"))
    p.add_argument("--remove", action="store_true", help=_("remove the score set by hand: the automatic result "
                                                           "counts again"))
    p.add_argument("--lang", type=_language, help=_("messages and the report in this language: en or zh-CN"))
    p.set_defaults(run=_override)
    p = sub.add_parser("handout", help="(instructors) the folder handed out to trainees, without instructor material")
    p.add_argument("dir")
    p.add_argument("--solutions", action="store_true",
                   help="include the worked solutions (self-study; a graded class gets none by default)")
    p.add_argument("--no-solutions", action="store_true", help=argparse.SUPPRESS)  # the default now
    p.add_argument("--exam", action="store_true",
                   help="no expected values or right answers at all: every check says 'saved; graded later'")
    p.add_argument("--lang", type=_language, default=DEFAULT, help="en (default) or zh-CN")
    p.set_defaults(run=_handout)
    p = sub.add_parser("translations", help="(authors) update the translation catalogues and list what is missing")
    p.add_argument("--lang", type=_language, help="one language (default: every one but English)")
    p.add_argument("--check", action="store_true", help="change nothing; fail if anything is missing or stale")
    p.set_defaults(run=_translations)
    args = parser.parse_args(argv)
    if args.command == "rubric" and args.action == "merge" and not args.csv:
        with use(_instructor_language(args.lang)):
            parser.error(_("rubric merge needs the filled CSV: python -m grading rubric merge OUTDIR rubric.csv"))
    return args.run(args)
