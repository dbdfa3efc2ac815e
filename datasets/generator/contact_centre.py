"""Calls per 30-minute interval at an inbound service hotline, queueing modelled with Erlang C."""
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

CONTACT_CENTRE = Dataset(
    name="contact_centre",
    description="Inbound service hotline: calls per 30-minute interval, 10 weeks (2025-03-03 .. 2025-05-11).",
    tables=(
        Table("contact_centre.csv",
              "One row per 30-minute interval (a few intervals missing, one duplicated).",
              CONTACT_CENTRE_COLUMNS),
    ),
)

SCHEMA = (CONTACT_CENTRE,)


def build() -> dict:
    """contact_centre.csv, by file name."""
    return {"contact_centre.csv": gen_contact_centre()}
