"""The class list (`--roster students.csv`): who should have handed in, with name, e-mail and LMS id.

Read from whatever a spreadsheet or LMS saved (safecsv.read_table: BOM, GBK, semicolons, tabs).
Columns are found by name, in English or Chinese:

    id       id, trainee, username, login, student id, ID number, SIS Login ID, 学号, 用户名, 账号
    name     name, full name, student, 姓名   (or first name + last name, 名 + 姓)
    email    email, e-mail, email address, 电子邮件, 邮箱
    lms_id   lms id, Canvas's "ID" column (its user id, which Canvas puts in download file names)

A Canvas gradebook export works as it is (Student, ID, SIS User ID, SIS Login ID; its
"Points Possible" line is skipped); so does a Moodle participants or grades export.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..core.i18n import _
from .safecsv import read_table


class RosterError(ValueError):
    """A class list that cannot be used; the message says why (every bad line)."""


@dataclass(frozen=True)
class Person:
    id: str
    name: str = ""
    email: str = ""
    lms_id: str = ""


def _norm(header: str) -> str:
    return re.sub(r"[\s_\-.()（）:：]+", "", unicodedata.normalize("NFKC", header).casefold())


ID = ("id", "trainee", "traineeid", "username", "login", "loginid", "user", "studentid", "studentnumber",
      "sisloginid", "sisuserid", "idnumber", "学号", "用户名", "账号", "帐号", "工号")
NAME = ("name", "fullname", "student", "studentname", "姓名", "名字", "全名")
FIRST = ("firstname", "givenname", "名")
LAST = ("lastname", "surname", "familyname", "姓")
EMAIL = ("email", "emailaddress", "mail", "电子邮件", "电子邮件地址", "邮箱", "电子邮箱")
LMS_ID = ("lmsid", "canvasid", "canvasuserid")


def column(header: list[str], names: tuple, taken=()) -> int | None:
    normal = [_norm(h) for h in header]
    for name in names:
        if name in normal and normal.index(name) not in taken:
            return normal.index(name)
    return None


def read_roster(path: Path) -> list[Person]:
    """The people on a class list, in file order; RosterError (naming every bad line) if unusable."""
    try:
        rows = read_table(path)
    except OSError as exc:
        raise RosterError(_("cannot read the class list {file}: {reason}").format(
            file=path, reason=exc.strerror or type(exc).__name__)) from None
    except ValueError as exc:
        raise RosterError(_("cannot read the class list {file}: {reason}").format(file=path, reason=exc)) from None
    if not rows:
        raise RosterError(_("the class list {file} is empty").format(file=path))
    header = rows[0]
    normal = [_norm(h) for h in header]
    canvas = "sisloginid" in normal or "sisuserid" in normal
    lms = normal.index("id") if canvas and "id" in normal else column(header, LMS_ID)
    ident = column(header, ("sisloginid", "sisuserid") if canvas else ID, taken=(lms,))
    if ident is None:
        raise RosterError(_("the class list {file} has no id column (such as id, username or 学号); its columns "
                            "are: {columns}").format(file=path, columns=", ".join(header)))
    name, first, last = column(header, NAME), column(header, FIRST), column(header, LAST)
    email = column(header, EMAIL)

    def cell(row, index):
        return row[index].strip() if index is not None and index < len(row) else ""

    people, problems, seen = [], [], {}
    for line, row in enumerate(rows[1:], start=2):
        if canvas and "points possible" in " ".join(row[:2]).casefold():
            continue  # Canvas's second line: the maximum of each assignment
        pid = cell(row, ident)
        if not pid:
            problems.append(_("line {line}: no id").format(line=line))
            continue
        if pid in seen:
            problems.append(_("line {line}: the id {id} is already on line {first}").format(
                line=line, id=repr(pid), first=seen[pid]))
            continue
        seen[pid] = line
        full = cell(row, name) or " ".join(p for p in (cell(row, first), cell(row, last)) if p)
        people.append(Person(pid, full, cell(row, email), cell(row, lms)))
    if problems:
        raise RosterError(_("the class list {file} cannot be used; fix these lines:").format(file=path)
                          + "\n  " + "\n  ".join(problems))
    return people


def name_key(name: str) -> str:
    """A name compared loosely: case, spacing and punctuation ignored ("Wang, Fang" = "wang fang")."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", name).casefold())


def _name_keys(person: Person) -> set[str]:
    keys = {name_key(person.name)} if person.name else set()
    parts = re.split(r"[\s,]+", person.name.strip())
    if len(parts) == 2:  # "First Last", "Last, First" and Moodle's Chinese "LastFirst" all match
        keys.add(name_key(parts[1] + parts[0]))
    return keys - {""}


def find(people: list[Person], lms_id: str = "", email: str = "", name: str = "") -> Person | None:
    """The one person an LMS download's entry belongs to: by LMS id, then e-mail, then name (if unique)."""
    for value, attr in ((lms_id, "lms_id"), (email.casefold(), "email")):
        if value:
            hits = [p for p in people if getattr(p, attr).casefold() == value]
            if len(hits) == 1:
                return hits[0]
    key = name_key(name)
    hits = [p for p in people if key and key in _name_keys(p)]
    return hits[0] if len(hits) == 1 else None


def class_people(roster: Path | None, lms_rows: list[dict]) -> dict[str, dict]:
    """trainee -> {name, email, lms, lms_user, roster}: the class list's people (roster: True) and
    what `collect` learnt from the LMS (SUBMISSIONS/lms.csv), the class list first."""
    people = {}
    for row in lms_rows:
        info = people.setdefault(row.get("trainee", ""), {"name": "", "email": "", "lms": "", "lms_user": ""})
        for field in ("name", "email", "lms"):
            info[field] = info[field] or row.get(field, "")
        if row.get("lms") == "canvas":  # Canvas's user id is the same for every assignment (Moodle's is not)
            info["lms_user"] = row.get("lms_user", "")
    for person in read_roster(roster) if roster else []:
        info = people.setdefault(person.id, {"name": "", "email": "", "lms": "", "lms_user": ""})
        info.update(roster=True, name=person.name or info["name"], email=person.email or info["email"],
                    lms_user=person.lms_id or info["lms_user"])
    people.pop("", None)
    return people
