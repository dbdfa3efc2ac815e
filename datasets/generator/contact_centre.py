"""Calls per 30-minute interval at an inbound service hotline, queueing modelled with Erlang C.

Module 6 adds two tables from their own random generators ('contact_centre-staff',
'contact_centre-quality'), so contact_centre.csv stays byte for byte what it was:

- staff_time.csv: the agents' paid time per working day and where it went (on the phones, breaks,
  training, coaching and meetings, absence, other), the raw material of shrinkage;
- call_monitoring.csv: the quality team's scored sample of recorded calls (the telephone and hold
  etiquette of the course's sources, handle time, and whether the caller had to call again).
  One team works to a handle-time target: its agents are quicker and their callers call back more.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .common import DATE_FMT, DT_FMT, Dataset, Table, col, rng_for, ts_str

CC_HOLIDAYS = ["2025-04-04", "2025-05-01", "2025-05-02", "2025-05-03", "2025-05-04", "2025-05-05"]
CC_OUTAGE = ("2025-04-16 14:00:00", "2025-04-16 15:30:00")  # ACD outage: intervals missing from the export
CC_DUPLICATE = "2025-03-31 08:00:00"  # exported twice at the week boundary


def erlang_c(A, N):
    """Erlang C probability of waiting; arrays A (traffic, Erlangs) and N (agents). P_w = 1 where N <= A."""
    A = np.asarray(A, float)
    N = np.asarray(N, int)
    out = np.ones_like(A)
    for i in range(len(A)):
        a, nn = A[i], N[i]
        if nn <= a or nn <= 0:
            continue
        term, s = 1.0, 1.0
        for k in range(1, nn):
            term *= a / k
            s += term
        last = term * a / nn * nn / (nn - a)
        out[i] = last / (s + last)
    return out


def gen_contact_centre():
    rng = rng_for(CONTACT_CENTRE.name)
    days = pd.date_range("2025-03-03", periods=70, freq="D")
    slots = np.arange(8 * 60, 22 * 60, 30)  # 28 half-hours, 08:00-22:00
    # intra-day shape: morning peak 10:00-11:30, afternoon peak 14:00-15:30, evening shoulder
    h = slots / 60.0
    shape = (0.25 + 1.0 * np.exp(-((h - 10.5) / 1.3) ** 2) + 0.8 * np.exp(-((h - 14.6) / 1.4) ** 2)
             + 0.35 * np.exp(-((h - 19.5) / 1.2) ** 2))
    shape = shape / shape.sum()
    dow_f = np.array([1.25, 1.08, 1.0, 0.98, 0.95, 0.72, 0.62])
    rows = []
    # staffing template: sized for an average weekday, same every weekday; lighter on weekends
    wk_calls = 2300 * 1.0 * shape
    A_tmpl = wk_calls * 330 / 1800
    tmpl_wd = np.ceil(A_tmpl * 1.03 / 0.8 + 2).astype(int)
    tmpl_we = np.ceil(A_tmpl * 0.74 / 0.8 + 2).astype(int)
    for d_i, day in enumerate(days):
        hol = day.strftime(DATE_FMT) in CC_HOLIDAYS
        daily = (2300 * dow_f[day.day_of_week] * (1 + 0.002 * d_i) * (0.55 if hol else 1.0)
                 * np.exp(rng.normal(0, 0.05)))
        mu = daily * shape
        calls = rng.poisson(mu * rng.gamma(80, 1 / 80, len(slots)))
        aht = 330 + 25 * (h >= 18) + 15 * (day.day_of_week == 0) + rng.normal(0, 18, len(slots))
        agents = (tmpl_we if day.day_of_week >= 5 else tmpl_wd).copy()
        if hol:
            agents = tmpl_we.copy()
        agents = np.maximum(2, agents + rng.integers(-1, 2, len(slots)))
        A = calls * aht / 1800
        pw = erlang_c(A, agents)
        asa = np.where(agents > A, pw * aht / np.maximum(agents - A, 1e-9), 400 + 120 * (A - agents))
        asa = np.minimum(asa, 900)
        ab_rate = np.clip(0.01 + 0.45 * pw * asa / (asa + 180), 0, 0.5)
        aband = rng.binomial(calls, ab_rate)
        answered = calls - aband
        sl = np.where(agents > A, 1 - pw * np.exp(-(agents - A) * 20 / aht), 0.05)
        within = rng.binomial(answered, np.clip(sl, 0, 1))
        for k, m in enumerate(slots):
            any_answered = answered[k] > 0  # the averages are empty for an interval with no answered call
            rows.append((day + pd.Timedelta(minutes=int(m)), int(calls[k]), int(answered[k]), int(aband[k]),
                         int(within[k]), float(round(aht[k], 1)) if any_answered else np.nan,
                         float(round(asa[k], 1)) if any_answered else np.nan, int(agents[k])))
    df = pd.DataFrame(rows, columns=list(CONTACT_CENTRE_COLUMNS))
    lo, hi = pd.Timestamp(CC_OUTAGE[0]), pd.Timestamp(CC_OUTAGE[1])
    df = df[~((df.interval_start >= lo) & (df.interval_start < hi))]
    dup = df[df.interval_start == pd.Timestamp(CC_DUPLICATE)]
    df = pd.concat([df, dup]).sort_values("interval_start", kind="stable").reset_index(drop=True)
    df["interval_start"] = ts_str(df.interval_start)
    return df


# --------------------------------------------------------------------------- schema
CONTACT_CENTRE_COLUMNS = {
    "interval_start": col("datetime",
                          "Start of the 30-minute interval, local time (UTC+8, no offset written). Lines "
                          "open 08:00–22:00 every day.", fmt=DT_FMT),
    "calls_offered": col("integer", "Calls that reached the queue in the interval.", unit="calls", min=0),
    "calls_answered": col("integer", "Calls answered by an agent.", unit="calls", min=0),
    "calls_abandoned": col("integer",
                           "Callers who hung up before being answered (offered = answered + abandoned).",
                           unit="calls", min=0),
    "answered_within_20s": col("integer",
                               "Answered calls picked up within 20 seconds (service-level numerator).",
                               unit="calls", min=0),
    "aht_seconds": col("float",
                       "Average handling time (talk + hold + wrap-up) of the answered calls. Empty if none "
                       "answered.", unit="seconds", nullable=True, min=0.0),
    "asa_seconds": col("float",
                       "Average speed of answer (queue wait) of the answered calls. Empty if none answered.",
                       unit="seconds", nullable=True, min=0.0),
    "agents_scheduled": col("integer", "Agents scheduled on the phones in the interval.",
                            unit="agents", min=0),
}

# --------------------------------------------------------------------------- module 6: people and quality
DAYS = pd.date_range("2025-03-03", periods=70, freq="D")  # the ten weeks of contact_centre.csv
TEAMS = ["A", "B", "C", "D"]
TARGET_TEAM = "C"            # works to a handle-time target of 240 s (the quality finding)
AGENTS_PER_TEAM = 15
HOLD_STEPS = ["hold_asked", "hold_waited_for_reply", "hold_gave_reason", "hold_gave_time", "hold_thanked"]
# how often an agent does each step of the hold etiquette when putting a caller on hold
HOLD_STEP_P = {"hold_asked": 0.86, "hold_waited_for_reply": 0.62, "hold_gave_reason": 0.81,
               "hold_gave_time": 0.42, "hold_thanked": 0.74}


def _agents():
    return [(f"{team}{i:02d}", team) for team in TEAMS for i in range(1, AGENTS_PER_TEAM + 1)]


def gen_staff_time():
    """One row per agent and working day: paid minutes and where they went."""
    rng = rng_for(CONTACT_CENTRE.name + "-staff")
    rows = []
    for a_i, (agent, team) in enumerate(_agents()):
        off = {a_i % 7, (a_i + 3) % 7}  # two days off a week, spread over the week
        for day in DAYS:
            if day.day_of_week in off:
                continue
            paid = 480  # an 8-hour paid shift (the lunch hour is unpaid and not counted)
            if rng.random() < 0.09:  # sick or on leave the whole day
                rows.append((day.strftime(DATE_FMT), agent, team, paid, 0, 0, 0, 0, paid, 0))
                continue
            breaks = int(rng.choice([30, 30, 40, 45, 50]))
            training = int(rng.choice([0, 120], p=[0.88, 0.12]))
            coaching = 10 + (60 if day.day_of_week == (a_i % 5) else 0) + int(rng.choice([0, 0, 15, 30]))
            other = int(rng.poisson(14))
            available = paid - breaks - training - coaching - other
            rows.append((day.strftime(DATE_FMT), agent, team, paid, available, breaks, training, coaching, 0, other))
    return pd.DataFrame(rows, columns=list(STAFF_TIME_COLUMNS))


def gen_call_monitoring():
    """The quality team's scored sample: ten recorded calls per agent over the ten weeks."""
    rng = rng_for(CONTACT_CENTRE.name + "-quality")
    rows = []
    n = 0
    for agent, team in _agents():
        target = team == TARGET_TEAM
        pace = rng.normal(230 if target else 360, 25)          # the agent's usual handle time
        repeat_p = float(np.clip(rng.normal(0.40 if target else 0.17, 0.04), 0.05, 0.6))
        days = np.sort(rng.choice(len(DAYS), 10, replace=False))
        for d in days:
            n += 1
            handle = int(max(60, rng.gamma(6, pace / 6)))
            held = rng.random() < 0.42
            steps = {s: (bool(rng.random() < p) if held else None) for s, p in HOLD_STEP_P.items()}
            rows.append((f"QA{n:04d}", DAYS[d].strftime(DATE_FMT), agent, team, handle,
                         int(rng.choice([1, 2, 2, 3, 3, 3, 4, 5, 6])), bool(rng.random() < 0.95),
                         bool(rng.random() < 0.78), bool(rng.random() < 0.88), bool(held),
                         *steps.values(), bool(rng.random() < repeat_p)))
    return pd.DataFrame(rows, columns=list(CALL_MONITORING_COLUMNS))


STAFF_TIME_COLUMNS = {
    "date": col("datetime", "The working day (2025-03-03 .. 2025-05-11).", fmt=DATE_FMT),
    "agent_id": col("string", "The agent: team letter and number (A01 .. D15)."),
    "team": col("string", "The agent's team.", allowed=TEAMS),
    "paid_minutes": col("integer", "Paid minutes of the shift (the unpaid lunch hour is not counted).",
                        unit="minutes", min=0),
    "available_minutes": col("integer", "Minutes logged in to take calls: talking, on hold, wrapping up or "
                             "waiting for the next call.", unit="minutes", min=0),
    "break_minutes": col("integer", "Paid breaks.", unit="minutes", min=0),
    "training_minutes": col("integer", "Classroom or e-learning training.", unit="minutes", min=0),
    "coaching_minutes": col("integer", "Team meetings, the daily briefing and one-to-one coaching.",
                            unit="minutes", min=0),
    "absent_minutes": col("integer", "Sick leave or annual leave (a whole shift).", unit="minutes", min=0),
    "other_minutes": col("integer", "Other time off the phones: system problems, admin work.",
                         unit="minutes", min=0),
}

CALL_MONITORING_COLUMNS = {
    "call_id": col("string", "The scored call."),
    "date": col("datetime", "Day of the call.", fmt=DATE_FMT),
    "agent_id": col("string", "The agent who took the call (as in staff_time.csv)."),
    "team": col("string", "The agent's team.", allowed=TEAMS),
    "handle_seconds": col("integer", "Handle time of the call: talk, hold and wrap-up.", unit="seconds", min=0),
    "rings": col("integer", "Rings before the agent picked up (the standard: within three).", unit="rings",
                 min=1),
    "greeted": col("boolean", "The agent greeted the caller."),
    "gave_name": col("boolean", "The agent said their name."),
    "offered_help": col("boolean", "The agent asked how they could help."),
    "put_on_hold": col("boolean", "The caller was put on hold at least once."),
    "hold_asked": col("boolean", "Hold step 1: asked whether the caller could hold. Empty if not put on "
                      "hold.", nullable=True),
    "hold_waited_for_reply": col("boolean", "Hold step 2: waited for the caller's answer before holding. "
                                 "Empty if not put on hold.", nullable=True),
    "hold_gave_reason": col("boolean", "Hold step 3: told the caller why. Empty if not put on hold.",
                            nullable=True),
    "hold_gave_time": col("boolean", "Hold step 4: said how long it would take. Empty if not put on hold.",
                          nullable=True),
    "hold_thanked": col("boolean", "Hold step 5: thanked the caller for waiting on coming back. Empty if "
                        "not put on hold.", nullable=True),
    "repeat_within_7d": col("boolean", "The caller called again about the same matter within 7 days (the "
                            "call did not resolve it at first contact)."),
}

CONTACT_CENTRE = Dataset(
    name="contact_centre",
    description="Inbound service hotline: calls per 30-minute interval, 10 weeks (2025-03-03 .. 2025-05-11).",
    tables=(
        Table("contact_centre.csv",
              "One row per 30-minute interval (a few intervals missing, one duplicated).",
              CONTACT_CENTRE_COLUMNS),
        Table("staff_time.csv",
              "One row per agent and working day: paid time and where it went (the raw material of shrinkage).",
              STAFF_TIME_COLUMNS),
        Table("call_monitoring.csv",
              "The quality team's scored sample of recorded calls: ten per agent.",
              CALL_MONITORING_COLUMNS),
    ),
)

SCHEMA = (CONTACT_CENTRE,)


def build() -> dict:
    """contact_centre.csv and module 6's tables, by file name."""
    return {"contact_centre.csv": gen_contact_centre(), "staff_time.csv": gen_staff_time(),
            "call_monitoring.csv": gen_call_monitoring()}
