"""`python -m grading collect DOWNLOAD --lms moodle|canvas --out SUBMISSIONS`: from an LMS bulk download
(a zip or its unpacked folder) to the submissions layout the grader reads (`submissions.py`).

What the LMSs write (from their source code):

    Moodle, "Download all submissions", in folders (the default since 3.1):
        Wang Fang_1234567_assignsubmission_file/02-quality-gaps.ipynb     (older: ..._file_/...)
        Wang Fang_1234567_assignsubmission_onlinetext/onlinetext.html
    Moodle, without folders:
        Wang Fang_1234567_assignsubmission_file_02-quality-gaps.ipynb
      The number is the assignment's *participant* id ("Participant 1234567" in its grading
      worksheet), not the user id; the name is the full name ("Participant" under blind marking).
    Canvas, "Download Submissions":
        wangfang_12345_67890_02-quality-gaps.ipynb         name (lower case, no spaces), user id,
        wangfang_late_12345_67891_02-quality-gaps-1.ipynb  file id, the name as uploaded; "late" if
        wangfang_12345_text.html                           Canvas counted it late; -1, -2 on a re-upload

Also handled: browser copies ("02-quality-gaps (1).ipynb", "… - Copy", "… - 副本"), a zip a trainee
uploaded (unpacked, one level), `__MACOSX/` and other system files, a download unpacked into one
extra folder.  Everything left out is listed with the reason.  The mapping back to the LMS
(trainee, name, e-mail, LMS user id, notebook, submission time, late flag, source files) is kept in
SUBMISSIONS/lms.csv, which `grade` reads (names and e-mails in the gradebook, lateness, export).
"""
from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..core import keys as answer_keys
from ..core.i18n import _
from .roster import Person, find, read_roster
from .safecsv import plain, read_table, write_csv
from .submissions import MAX_ANSWERS_BYTES, MAX_NOTEBOOK_BYTES

LMS_FILE = "lms.csv"
LMS_COLUMNS = ["trainee", "name", "email", "lms", "lms_user", "notebook", "submitted_at", "late", "source"]
MAX_ENTRIES = 20000                  # files in a download
MAX_TOTAL = 2 * 1024 ** 3            # bytes unpacked from a download (2 GB)
ANSWERS = ".answers.json"

MOODLE_FOLDER = re.compile(r"^(?P<name>.+)_(?P<id>\d+)_assignsubmission_(?P<plugin>[a-z]+)_?$")
MOODLE_FLAT = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<file>.+)$")
CANVAS = re.compile(r"^(?:(?P<name>.*?)_)??(?:(?P<late>late)_)?(?P<id>\d+)_(?:(?P<file_id>\d+)_(?P<file>.+)|"
                    r"(?P<online>text|link)\.html)$", re.I)
COPY = re.compile(r"(?:\s*\(\d+\)|[-_ ]\d{1,2}|\s*-\s*(?:copy|副本)(?:\s*\(\d+\))?|\s+copy)$", re.I)
SYSTEM = {"__macosx", ".ds_store", "thumbs.db", "desktop.ini", ".ipynb_checkpoints", "__pycache__"}


class CollectError(ValueError):
    """A download that cannot be collected at all (not a zip or folder, unknown LMS ...)."""


@dataclass
class Entry:
    """One trainee's submission as the LMS named it."""
    lms_user: str
    name: str
    late: bool = False
    files: list = field(default_factory=list)   # (path on disk, where it came from in the download)


@dataclass
class Report:
    trainees: dict = field(default_factory=dict)    # trainee -> [notebook files written]
    skipped: list = field(default_factory=list)     # (where, why)
    chosen: list = field(default_factory=list)      # messages about duplicates resolved
    unmatched: list = field(default_factory=list)   # LMS names not found on the roster

    def lines(self) -> list[str]:
        out = [_("collected {files} file(s) of {trainees} trainee(s)").format(
            files=sum(len(v) for v in self.trainees.values()), trainees=len(self.trainees))]
        out += ["  " + line for line in self.chosen + self.unmatched]
        if self.skipped:
            out.append(_("left out {count}:").format(count=len(self.skipped)))
            out += [f"  {where}: {why}" for where, why in self.skipped]
        return out


# -- reading the download ------------------------------------------------------------------------

def _system(part: str) -> bool:
    return part.casefold() in SYSTEM or part.startswith("._") or part.startswith("~$")


def _unzip(archive: Path, into: Path, report: Report, shown: str) -> bool:
    """Unpack safely: no path outside `into`, no links, within the size and count limits."""
    try:
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ENTRIES or sum(i.file_size for i in infos) > MAX_TOTAL:
                report.skipped.append((shown, _("the zip is too large to unpack ({count} files)").format(
                    count=len(infos))))
                return False
            for info in infos:
                name = _zip_name(info)
                parts = [p for p in name.split("/") if p not in ("", ".")]
                if info.is_dir() or not parts:
                    continue
                if ".." in parts or (info.external_attr >> 16) & 0o170000 == 0o120000:
                    report.skipped.append((f"{shown}/{name}", _("unsafe path or link inside the zip")))
                    continue
                target = into.joinpath(*parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
        report.skipped.append((shown, _("not a readable zip ({error})").format(error=type(exc).__name__)))
        return False
    return True


def _zip_name(info: zipfile.ZipInfo) -> str:
    """The entry's name; zips from Chinese Windows store names in GBK without saying so."""
    name = info.filename
    if not info.flag_bits & 0x800:
        raw = name.encode("cp437", errors="replace")
        for encoding in ("utf-8", "gb18030"):
            try:
                name = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    return name.replace("\\", "/")  # some Windows tools write backslashes


def _files(folder: Path, report: Report, shown_root: str = "") -> list[tuple[Path, str]]:
    """Every ordinary file under `folder` (system files reported and left out)."""
    found, macos = [], False
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(_system(p) for p in rel.parts):
            if rel.parts[0].casefold() == "__macosx":
                macos = True
            elif path.is_file():
                report.skipped.append((f"{shown_root}{rel.as_posix()}", _("a system file, not part of a submission")))
            continue
        if path.is_symlink():
            report.skipped.append((f"{shown_root}{rel.as_posix()}", _("a link, not a file")))
        elif path.is_file():
            found.append((path, f"{shown_root}{rel.as_posix()}"))
    if macos:
        report.skipped.append((f"{shown_root}__MACOSX/", _("macOS resource copies, not submissions")))
    return found


def _entries(root: Path, lms: str, report: Report) -> dict[str, Entry]:
    """LMS user id -> Entry, from the top level of an unpacked download."""
    tops = [p for p in sorted(root.iterdir()) if not _system(p.name)]
    if len(tops) == 1 and tops[0].is_dir() and not _match_top(tops[0].name, lms):  # unpacked into one folder
        root = tops[0]
    entries: dict[str, Entry] = {}
    for path, shown in _files(root, report):
        top = Path(shown).parts[0]
        if lms == "moodle":
            m = MOODLE_FOLDER.match(top) if len(Path(shown).parts) > 1 else MOODLE_FLAT.match(top)
            if not m:
                report.skipped.append((shown, _("not named as Moodle names submissions "
                                                "(Full Name_12345_assignsubmission_file…)")))
                continue
            if m["plugin"] != "file":
                report.skipped.append((shown, _("{plugin} submission (text typed into Moodle), not a file").format(
                    plugin=m["plugin"])))
                continue
            entry = entries.setdefault(m["id"], Entry(m["id"], m["name"].strip()))
        else:
            m = CANVAS.match(top) if len(Path(shown).parts) == 1 else None
            if not m:
                report.skipped.append((shown, _("not named as Canvas names submissions (name_12345_67890_file)")))
                continue
            if m["online"]:
                report.skipped.append((shown, _("a text or link entered in Canvas, not a file")))
                continue
            name = m["name"] or ""
            late = bool(m["late"]) or name.casefold() == "late" or name.casefold().endswith("-late")  # older Canvas
            name = re.sub(r"-late$", "", name, flags=re.I)
            entry = entries.setdefault(m["id"], Entry(m["id"], "" if name.casefold() == "late" else name))
            entry.late = entry.late or late
        entry.files.append((path, shown))
    return entries


def _match_top(name: str, lms: str) -> bool:
    return bool((MOODLE_FOLDER if lms == "moodle" else CANVAS).match(name)
                or (lms == "moodle" and MOODLE_FLAT.match(name)))


# -- one trainee's files ---------------------------------------------------------------------------

def _inner_name(shown: str, lms: str) -> str:
    """The file's own name, without the LMS's prefix."""
    base = shown.rsplit("/", 1)[-1]
    if lms == "moodle" and "/" not in shown:
        m = MOODLE_FLAT.match(base)
        return m["file"] if m else base
    if lms == "canvas" and "/" not in shown:
        m = CANVAS.match(base)
        return m["file"] if m and m["file"] else base
    return base


def notebook_of(filename: str, notebooks: dict[str, str]) -> tuple[str, str, int] | None:
    """(notebook, "ipynb" or "answers", copy number) when `filename` is a course notebook or answers
    file, also as a browser or LMS copy; `notebooks` maps lower-cased names to the real ones."""
    name = unicodedata.normalize("NFC", filename.strip())
    lower = name.casefold()
    if lower.endswith(ANSWERS):
        kind, stem = "answers", name[:-len(ANSWERS)]
    elif lower.endswith(".ipynb"):
        kind, stem = "ipynb", name[:-len(".ipynb")]
    else:
        return None
    copy = 0
    while True:
        if stem.casefold() in notebooks:
            return notebooks[stem.casefold()], kind, copy
        m = COPY.search(stem)
        if not m or m.start() == 0:
            return None
        digits = re.findall(r"\d+", m.group())
        copy = max(copy, int(digits[-1]) if digits else 1)
        stem = stem[:m.start()]


def _saved_at(path: Path) -> str:
    """The newest `saved_at` in an answers file ("" if none can be read)."""
    try:
        data = json.loads(path.read_bytes()[:MAX_ANSWERS_BYTES + 1].decode("utf-8-sig"))
        times = [str(r.get("saved_at", "")) for r in data.get("exercises", {}).values() if isinstance(r, dict)]
    except (OSError, ValueError, AttributeError):
        return ""
    return max(times, default="")


def _pick(candidates: list, kind: str) -> tuple:
    """Of several copies of one file: the answers file saved last, else the highest copy number
    (a browser numbers a later download higher; Canvas a later upload)."""
    if kind == "answers":
        return max(candidates, key=lambda c: (_saved_at(c[0]), c[2], c[1]))
    return max(candidates, key=lambda c: (c[2], c[1]))


def _classify(entry: Entry, lms: str, notebooks: dict, work: Path, report: Report) -> dict:
    """(notebook, kind) -> chosen (path, shown); nested zips unpacked; the rest reported."""
    files = []
    for path, shown in entry.files:
        inner = _inner_name(shown, lms)
        if inner.casefold().endswith(".zip"):
            into = work / f"zip-{len(list(work.iterdir()))}"
            into.mkdir()
            if _unzip(path, into, report, shown):
                files += [(p, s, s.rsplit("/", 1)[-1]) for p, s in _files(into, report, f"{shown}/")]
            continue
        files.append((path, shown, inner))
    found: dict = {}
    for path, shown, inner in files:
        what = notebook_of(inner, notebooks)
        if what is None:
            report.skipped.append((shown, _("not a notebook or answers file of the course")))
            continue
        limit = MAX_ANSWERS_BYTES if what[1] == "answers" else MAX_NOTEBOOK_BYTES
        if path.stat().st_size > limit:
            report.skipped.append((shown, _("larger than the grader reads ({size} MB)").format(
                size=round(limit / 1024 / 1024, 1))))
            continue
        found.setdefault(what[:2], []).append((path, shown, what[2]))
    chosen = {}
    for (nb, kind), candidates in sorted(found.items()):
        digests = {hashlib.sha256(c[0].read_bytes()).hexdigest() for c in candidates}
        best = _pick(candidates, kind)
        chosen[(nb, kind)] = best[:2]
        if len(digests) > 1:
            report.chosen.append(_("{file}: took {chosen}, left out {others} (several different copies)").format(
                file=f"{nb}{ANSWERS if kind == 'answers' else '.ipynb'}", chosen=best[1],
                others=", ".join(c[1] for c in candidates if c is not best)))
    return chosen


# -- the trainee ids and the Moodle grading worksheet --------------------------------------------------

def folder_id(name: str) -> str:
    """A trainee id made from an LMS name, safe as a folder name ("Wang Fang" -> "Wang_Fang")."""
    return re.sub(r"[^\w.-]+", "_", unicodedata.normalize("NFC", name)).strip("._") or "trainee"


def read_worksheet(path: Path) -> dict[str, dict]:
    """Moodle's grading worksheet (Assignment ▸ Download grading worksheet): participant id ->
    {name, email, submitted_at}.  Its column names are in the Moodle user's language."""
    try:
        rows = read_table(path)
    except (OSError, ValueError) as exc:
        raise CollectError(_("cannot read the grading worksheet {file}: {reason}").format(
            file=path, reason=getattr(exc, "strerror", None) or exc)) from None
    if len(rows) < 1:
        raise CollectError(_("the grading worksheet {file} is empty").format(file=path))
    header = [h.casefold() for h in rows[0]]
    when = next((i for i, h in enumerate(header) if h in ("last modified (submission)", "上次修改（作业）",
                                                           "上次修改(作业)")), None)
    email = next((i for i in range(len(header)) if any("@" in r[i] for r in rows[1:] if i < len(r))), None)
    found = {}
    for row in rows[1:]:
        m = re.search(r"(\d+)\s*$", row[0])
        if not m:
            continue
        time = parse_time(row[when]) if when is not None and when < len(row) else None
        found[m.group(1)] = {"name": row[1] if len(row) > 1 else "",
                             "email": row[email] if email is not None and email < len(row) else "",
                             "submitted_at": time.isoformat() if time else ""}
    if not found:
        raise CollectError(_("{file} is not a Moodle grading worksheet: no line starts with a participant "
                             "identifier").format(file=path))
    return found


MONTHS = {m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                      "september", "october", "november", "december"), start=1)}


def parse_time(text: str) -> datetime | None:
    """A date and time as an LMS or a person writes it, in local time unless it says otherwise:
    ISO ("2026-12-01 09:05", "2026/12/01T09:05+08:00"), Moodle's English ("Tuesday, 1 December
    2026, 9:05 AM") and Chinese ("2026年12月1日 星期二 09:05")."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text or text == "-":
        return None
    try:
        moment = datetime.fromisoformat(re.sub(r"^(\d{4})/(\d{1,2})/(\d{1,2})", lambda m: "{}-{:0>2}-{:0>2}".format(
            *m.groups()), text))
    except ValueError:
        moment = None
    if moment is None:
        m = re.search(r"(\d{1,2})\s+([A-Za-z]+)\s+(\d{4}),?\s+(\d{1,2}):(\d{2})\s*([AaPp][Mm])?", text)
        c = re.search(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\D*?(\d{1,2}):(\d{2})", text)
        if m and m.group(2).casefold() in MONTHS:
            hour = int(m.group(4)) % 12 + (12 if (m.group(6) or "").lower() == "pm" else 0) \
                if m.group(6) else int(m.group(4))
            moment = datetime(int(m.group(3)), MONTHS[m.group(2).casefold()], int(m.group(1)), hour, int(m.group(5)))
        elif c:
            hour = int(c.group(4)) + (12 if "下午" in text and int(c.group(4)) < 12 else 0)
            moment = datetime(int(c.group(1)), int(c.group(2)), int(c.group(3)), hour, int(c.group(5)))
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.astimezone()  # naive: the local time zone


# -- the command -------------------------------------------------------------------------------------

def collect(download: Path, lms: str, out: Path, roster: Path | None = None, worksheet: Path | None = None,
            keys: Path | None = None) -> Report:
    """Collect an LMS download into `out` (the submissions layout); returns what was done and left out."""
    if lms not in ("moodle", "canvas"):
        raise CollectError(_("unknown LMS {lms}: use moodle or canvas").format(lms=repr(lms)))
    if worksheet and lms != "moodle":
        raise CollectError(_("--worksheet is Moodle's grading worksheet; Canvas downloads have none"))
    if not download.exists():
        raise CollectError(_("{path} does not exist").format(path=download))
    people = read_roster(roster) if roster else []
    sheet = read_worksheet(worksheet) if worksheet else {}
    with answer_keys.using(keys):
        notebooks = {p.stem.casefold(): p.stem for p in answer_keys.key_files()}
    report = Report()
    with tempfile.TemporaryDirectory(prefix="ck-collect-") as tmp:
        work = Path(tmp)
        if download.is_dir():
            root = download
        else:
            root = work / "download"
            root.mkdir()
            if not _unzip(download, root, report, download.name):
                raise CollectError(_("{path} is neither a folder nor a readable zip file").format(path=download))
        entries = _entries(root, lms, report)
        ids = _trainee_ids(entries, lms, people, sheet, report)
        rows = []
        for lms_user, entry in sorted(entries.items(), key=lambda e: ids[e[0]]):
            trainee = ids[lms_user]
            nested = work / f"entry-{lms_user}"
            nested.mkdir()
            chosen = _classify(entry, lms, notebooks, nested, report)
            if not chosen:
                report.skipped.append((entry.files[0][1] if entry.files else lms_user,
                                       _("{name}: no notebook or answers file of the course").format(name=entry.name)))
                continue
            person = next((p for p in people if p.id == trainee), None)
            info = sheet.get(lms_user, {})
            for nb in sorted({nb for nb, _kind in chosen}):
                written = []
                for kind, suffix in (("ipynb", ".ipynb"), ("answers", ANSWERS)):
                    stale = out / trainee / f"{nb}{suffix}"
                    if (nb, kind) not in chosen and stale.exists():  # from an earlier download of this module
                        stale.unlink()
                        report.chosen.append(_("{file}: removed, the new download has none").format(
                            file=f"{trainee}/{stale.name}"))
                    if (nb, kind) in chosen:
                        path, shown = chosen[(nb, kind)]
                        target = out / trainee / f"{nb}{suffix}"
                        target.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copyfile(path, target)
                        written.append(shown)
                        report.trainees.setdefault(trainee, []).append(target.name)
                rows.append([trainee, (person.name if person and person.name else info.get("name") or entry.name),
                             (person.email if person else "") or info.get("email", ""), lms, lms_user, nb,
                             info.get("submitted_at", ""), "yes" if entry.late else "", " | ".join(written)])
    _write_mapping(out, rows)
    return report


def _trainee_ids(entries: dict, lms: str, people: list[Person], sheet: dict, report: Report) -> dict:
    """LMS user id -> trainee id: the roster's id when the person is found, else one made from the name."""
    ids, made = {}, {}
    for lms_user, entry in sorted(entries.items()):
        info = sheet.get(lms_user, {})
        person = find(people, lms_id=lms_user if lms == "canvas" else "", email=info.get("email", ""),
                      name=info.get("name") or entry.name) if people else None
        if person:
            ids[lms_user] = person.id
            continue
        if people:
            report.unmatched.append(_("{name} ({lms} {id}) is not on the class list: collected as {trainee}").format(
                name=entry.name or "?", lms=lms.capitalize(), id=lms_user, trainee=folder_id(entry.name or lms_user)))
        made.setdefault(folder_id(entry.name or lms_user), []).append(lms_user)
    for base, users in made.items():
        for lms_user in users:  # two people with one name (or blind marking's "Participant"): add the id
            ids[lms_user] = base if len(users) == 1 else f"{base}-{lms_user}"
    return ids


def _write_mapping(out: Path, rows: list[list[str]]) -> None:
    """SUBMISSIONS/lms.csv, merged with an earlier collect's (another module) by (trainee, notebook)."""
    out.mkdir(parents=True, exist_ok=True)
    merged = {(r["trainee"], r["notebook"]): [r.get(c, "") for c in LMS_COLUMNS] for r in read_mapping(out)}
    merged.update({(r[0], r[5]): r for r in rows})
    write_csv(out / LMS_FILE, LMS_COLUMNS, [merged[k] for k in sorted(merged)])


def read_mapping(submissions: Path) -> list[dict]:
    """The rows of SUBMISSIONS/lms.csv (none if there is no such file)."""
    try:
        with open(submissions / LMS_FILE, encoding="utf-8-sig", newline="") as fh:
            return [{plain(k): plain(v or "") for k, v in row.items() if k} for row in csv.DictReader(fh)]
    except OSError:
        return []
