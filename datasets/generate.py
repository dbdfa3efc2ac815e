#!/usr/bin/env python3
"""Build every course dataset from one seed, byte for byte.

Usage (from the repository root)::

    python datasets/generate.py            # (re)write datasets/<name>/...
    python datasets/generate.py --check    # rebuild in a temp dir, compare, exit 1 on any difference
    python datasets/generate.py --out DIR  # write somewhere else

Importable: ``build_all(out_dir)`` writes everything and returns the list of
files written (relative paths). Every dataset draws from its own
``numpy.random.Generator`` derived from ``SEED`` and the dataset's name, so
changing one dataset never shifts the random numbers of another.

What is written per dataset: the CSV table(s) and ``schema.yml`` (both
generated here). ``DATASHEET.md`` (for trainees) and ``FINDINGS.md`` (for
instructors only) are hand-written and live beside them.
"""
from __future__ import annotations

import argparse
import filecmp
import hashlib
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

SEED = 20261123
HERE = Path(__file__).resolve().parent
DT_FMT = "%Y-%m-%d %H:%M:%S"
DATE_FMT = "%Y-%m-%d"
DATASETS = ("complaints", "customers", "servqual", "service_process", "candidates", "contact_centre")


# --------------------------------------------------------------------------- helpers
def rng_for(name: str) -> np.random.Generator:
    """A generator that depends only on SEED and the dataset name."""
    h = int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "little")
    return np.random.default_rng(np.random.SeedSequence([SEED, h]))


def col(type_, description, unit=None, nullable=False, allowed=None, min=None, max=None, fmt=None):
    spec = {"type": type_, "unit": unit, "nullable": bool(nullable)}
    if allowed is not None:
        spec["allowed"] = list(allowed)
    if min is not None:
        spec["min"] = min
    if max is not None:
        spec["max"] = max
    if fmt is not None:
        spec["format"] = fmt
    spec["description"] = description
    return spec


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def fmt_minutes(day: pd.Timestamp, minutes: np.ndarray) -> list:
    """Minutes after midnight of `day` -> 'YYYY-MM-DD HH:MM:SS' strings (whole seconds)."""
    secs = np.round(np.asarray(minutes, dtype=float) * 60).astype(np.int64)
    return [(day + pd.Timedelta(seconds=int(s))).strftime(DT_FMT) for s in secs]


def ts_str(values) -> list:
    out = []
    for v in values:
        out.append("" if pd.isna(v) else pd.Timestamp(v).strftime(DT_FMT))
    return out


def choice(rng, labels, p, size):
    p = np.asarray(p, dtype=float)
    idx = rng.choice(len(labels), size=size, p=p / p.sum())
    arr = np.asarray(labels)
    if arr.dtype.kind in "USO":
        arr = arr.astype(object)
    return arr[idx]


def int_to_100(shares: np.ndarray) -> np.ndarray:
    """Largest-remainder rounding of each row of `shares` (rows sum to 1) to integers summing to 100."""
    raw = shares * 100.0
    base = np.floor(raw).astype(int)
    rem = raw - base
    short = 100 - base.sum(axis=1)
    order = np.argsort(-rem, axis=1, kind="stable")
    for i in range(len(base)):
        base[i, order[i, : short[i]]] += 1
    return base


# --------------------------------------------------------------------------- customers + complaints
PERIOD_START = pd.Timestamp("2024-01-01")
PERIOD_END = pd.Timestamp("2025-12-31")
SNAPSHOT = pd.Timestamp("2025-12-31")
UNDERSTAFFED_Q = ("2024-07-01", "2024-09-30")  # 2024 Q3

CUSTOMER_TYPES = ["consumer", "small_business", "dealer"]
REGIONS = ["north", "east", "south", "central", "west"]
TIERS = ["basic", "consultative", "solution"]

ROOT_CAUSES = [  # (root_cause, category, base share, share in the understaffed quarter multiplier)
    ("staff_attitude", "people", 0.24, 1.4),
    ("arrogant_sales_staff", "people", 0.05, 1.0),
    ("technician_skill", "people", 0.04, 1.0),
    ("product_defect", "product_service_technology", 0.17, 1.0),
    ("repeat_repair", "product_service_technology", 0.09, 1.0),
    ("installation_fault", "product_service_technology", 0.05, 1.0),
    ("software_bug", "product_service_technology", 0.04, 1.0),
    ("understaffing_long_wait", "support", 0.06, 6.0),
    ("spare_parts_delay", "support", 0.07, 1.0),
    ("logistics_delay", "support", 0.04, 1.0),
    ("no_service_process", "support", 0.03, 1.5),
    ("customer_misuse", "customer", 0.05, 1.0),
    ("unrealistic_expectation", "customer", 0.03, 1.0),
    ("billing_error", "other", 0.025, 1.0),
    ("other", "other", 0.015, 1.0),
]
RC_NAMES = [r[0] for r in ROOT_CAUSES]
RC_CATEGORY = {r[0]: r[1] for r in ROOT_CAUSES}
RC_CATEGORIES = ["people", "product_service_technology", "support", "customer", "other"]

SUMMARIES = {
    "staff_attitude": ["Agent was impatient and hung up on me.", "Staff at the counter were rude when I asked about my repair.",
                       "Nobody apologised; the agent said it was my problem."],
    "arrogant_sales_staff": ["Salesperson promised free installation, then laughed at me when I asked.",
                             "Sales rep was arrogant and refused to explain the warranty."],
    "technician_skill": ["Technician could not find the fault and left.", "Engineer did not know how to fit the part."],
    "product_defect": ["TV screen went black after three weeks.", "Refrigerator stopped cooling within the warranty.",
                       "Washing machine leaks water during the spin cycle."],
    "repeat_repair": ["Third repair visit for the same fault.", "Air conditioner repaired last month, same noise again."],
    "installation_fault": ["Installer drilled the wrong wall and left a mess.", "Unit installed crooked, drains onto the balcony."],
    "software_bug": ["Smart TV app crashes after the update.", "Air conditioner app cannot connect since firmware update."],
    "understaffing_long_wait": ["Waited 40 minutes on the hotline, nobody answered.", "Service centre had one person for twenty customers.",
                                "No engineer available for two weeks."],
    "spare_parts_delay": ["Repair waiting for a spare part for 3 weeks.", "Told the compressor is out of stock, no date given."],
    "logistics_delay": ["Replacement unit delivered 10 days late.", "Courier lost my device on the way to the repair centre."],
    "no_service_process": ["Passed between four departments, nobody owns my case.", "Every call I have to explain the problem again."],
    "customer_misuse": ["Device damaged after a fall, customer wants free repair.", "Used outdoors against instructions, asks for refund."],
    "unrealistic_expectation": ["Wants a new model in exchange for a 5-year-old unit.", "Expects same-day home repair on Sunday night."],
    "billing_error": ["Charged twice for the extended warranty.", "Invoice shows the wrong model and price."],
    "other": ["Complains about the survey calls.", "Unhappy with the loyalty-points rules."],
}

CHANNEL_LABELS = {  # canonical channel -> raw labels as exported, with their probabilities
    "phone": (["phone", "Phone", "电话", "PHONE", "Tel.", "phone "], [0.52, 0.24, 0.12, 0.05, 0.04, 0.03]),
    "email": (["email", "Email", "E-mail", "邮件"], [0.58, 0.2, 0.14, 0.08]),
    "web": (["web", "Web form", "网站"], [0.55, 0.3, 0.15]),
    "wechat": (["WeChat", "wechat", "微信", "Wechat"], [0.5, 0.25, 0.2, 0.05]),
    "walk_in": (["walk-in", "Walk-in", "walk in", "到店"], [0.5, 0.2, 0.1, 0.2]),
}
CHANNELS = list(CHANNEL_LABELS)
RAW_CHANNEL_LABELS = [lab for ch in CHANNELS for lab in CHANNEL_LABELS[ch][0]]
PRODUCT_LINES = ["tv", "air_conditioner", "refrigerator", "washing_machine", "small_appliance"]
SEVERITIES = ["low", "medium", "high", "critical"]
ACTIONS = ["none", "apology", "repair", "replacement", "refund", "voucher"]
RESOLUTION = ["resolved", "partially_resolved", "unresolved"]


def customer_base():
    """Account master data (no outcomes yet). Uses the 'customers' generator."""
    rng = rng_for("customers")
    n = 24000
    ctype = choice(rng, CUSTOMER_TYPES, [0.72, 0.21, 0.07], n)
    is_c, is_s, is_d = ctype == "consumer", ctype == "small_business", ctype == "dealer"
    tenure = np.minimum(144, 1 + np.floor(rng.gamma(2.0, 20.0, n))).astype(int)
    first = [SNAPSHOT - pd.Timedelta(days=int(round(t * 30.44)) - int(d)) for t, d in zip(tenure, rng.integers(0, 20, n))]
    active_frac = np.minimum(1.0, tenure / 24.0)
    orders = np.where(is_c, 1 + rng.poisson(1.1, n), np.where(is_s, 2 + rng.poisson(6, n), 10 + rng.poisson(40, n)))
    orders = np.maximum(1, np.round(orders * active_frac ** 0.7)).astype(int)
    med = np.where(is_c, 3800.0, np.where(is_s, 24000.0, 150000.0))
    sig = np.where(is_c, 0.8, np.where(is_s, 0.85, 0.8))
    revenue = med * np.exp(sig * rng.standard_normal(n)) * np.sqrt(orders / np.where(is_c, 2.1, np.where(is_s, 8.0, 50.0)))
    revenue = np.round(revenue * active_frac ** 0.3, 2)
    mrate = np.where(is_c, 0.27, np.where(is_s, 0.21, 0.12)) + rng.normal(0, 0.05, n)
    neg = rng.random(n) < 0.006  # returns and warranty costs exceeded sales
    mrate = np.where(neg, -np.abs(rng.normal(0.08, 0.04, n)), np.clip(mrate, 0.01, 0.5))
    margin = np.round(revenue * mrate, 2)
    rank = pd.Series(revenue).rank(ascending=False, method="first").to_numpy() / n
    tier = np.where(rank <= 0.05, "solution", np.where(rank <= 0.25, "consultative", "basic")).astype(object)
    flip = rng.random(n) < 0.08
    tier[flip] = choice(rng, TIERS, [0.6, 0.3, 0.1], int(flip.sum()))
    region = choice(rng, REGIONS, [0.2, 0.3, 0.22, 0.16, 0.12], n)
    region[rng.random(n) < 0.012] = None
    last_order = [min(SNAPSHOT, f + pd.Timedelta(days=int(x))) for f, x in zip(first, rng.integers(0, 800, n))]
    last_order = [max(lo, SNAPSHOT - pd.Timedelta(days=int(x))) for lo, x in zip(last_order, rng.integers(0, 700, n))]
    last_order = [min(lo, SNAPSHOT) if lo >= f else f for lo, f in zip(last_order, first)]
    p_problem = np.clip(0.30 + 0.03 * np.log1p(orders), 0, 0.9)
    problem = rng.random(n) < p_problem
    p_complain = np.where(is_c, 0.50, 0.68)
    complained = problem & (rng.random(n) < p_complain)
    df = pd.DataFrame({
        "customer_id": [f"C{i:05d}" for i in range(1, n + 1)],
        "customer_type": ctype, "region": region, "service_tier": tier,
        "first_purchase_date": [d.strftime(DATE_FMT) for d in first],
        "tenure_months": tenure, "orders_24m": orders,
        "revenue_24m_cny": revenue, "gross_margin_24m_cny": margin,
        "last_order_date": [d.strftime(DATE_FMT) for d in last_order],
        "experienced_problem": problem, "complained": complained,
    })
    return df


def complaints_tables(base: pd.DataFrame):
    """Tickets (uses the 'complaints' generator) and per-customer complaint outcomes."""
    rng = rng_for("complaints")
    complainers = base.loc[base.complained, ["customer_id", "service_tier"]].reset_index(drop=True)
    n_c = len(complainers)
    extra = rng.poisson(0.17, n_c)
    n = int(n_c + extra.sum())
    cust_idx = np.repeat(np.arange(n_c), 1 + extra)
    # --- dates from a seasonal intensity (post-Spring-Festival and Double-11 peaks; understaffed quarter)
    days = pd.date_range(PERIOD_START, PERIOD_END, freq="D")
    month_f = np.array([1.0, 1.25, 1.1, 0.95, 0.95, 1.0, 1.05, 1.05, 0.95, 0.95, 1.2, 1.3])[days.month - 1]
    dow_f = np.array([1.15, 1.05, 1.0, 1.0, 0.95, 0.85, 0.8])[days.day_of_week]
    in_q = (days >= UNDERSTAFFED_Q[0]) & (days <= UNDERSTAFFED_Q[1])
    inten = month_f * dow_f * np.where(in_q, 1.9, 1.0) * (1 + 0.05 * (days.year == 2025))
    day_idx = np.sort(rng.choice(len(days), size=n, p=inten / inten.sum()))
    day = days[day_idx]
    # customers are shuffled onto the dated tickets
    cust_idx = rng.permutation(cust_idx)
    cust = complainers.iloc[cust_idx].reset_index(drop=True)
    uq = np.asarray(in_q[day_idx])
    channel = choice(rng, CHANNELS, [0.35, 0.15, 0.15, 0.25, 0.10], n)
    # time of day (local time, UTC+8)
    hour = np.where(channel == "walk_in", rng.uniform(9, 18, n),
                    np.where(channel == "phone", rng.uniform(8, 21, n),
                             np.where(rng.random(n) < 0.8, rng.normal(14.5, 3.5, n), rng.uniform(0, 24, n))))
    hour = np.clip(hour, 0, 23.99)
    received = pd.DatetimeIndex(day) + pd.to_timedelta(np.round(hour * 3600).astype(np.int64), unit="s")
    # root cause
    base_p = np.array([r[2] for r in ROOT_CAUSES])
    uq_p = base_p * np.array([r[3] for r in ROOT_CAUSES])
    rc = np.where(uq, choice(rng, RC_NAMES, uq_p, n), choice(rng, RC_NAMES, base_p, n))
    cat = np.array([RC_CATEGORY[r] for r in rc], dtype=object)
    staff = rc == "staff_attitude"
    product = choice(rng, PRODUCT_LINES, [0.26, 0.24, 0.18, 0.2, 0.12], n)
    sev_shift = np.isin(rc, ["product_defect", "repeat_repair", "installation_fault"]).astype(float) * 0.5
    sev_lat = rng.normal(0, 1, n) + sev_shift
    severity = np.where(sev_lat < -0.35, "low", np.where(sev_lat < 0.85, "medium", np.where(sev_lat < 1.75, "high", "critical")))
    # first response time (hours)
    med_h = pd.Series(channel).map({"phone": 0.3, "email": 11.0, "web": 6.0, "wechat": 0.9, "walk_in": 0.1}).to_numpy()
    weekend = np.asarray(pd.DatetimeIndex(day).day_of_week >= 5)
    frt = med_h * np.exp(1.05 * rng.standard_normal(n)) * np.where(uq, 3.2, 1.0) * np.where(weekend & np.isin(channel, ["email", "web"]), 1.8, 1.0)
    frt = np.clip(frt, 0.02, 240.0)
    frt_s = np.round(frt * 3600).astype(np.int64)
    frt = frt_s / 3600.0
    # agents: 12 normally, 7 active in the understaffed quarter
    agents_all = np.array([f"A{i:02d}" for i in range(1, 15)], dtype=object)
    normal_pool = agents_all[[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]]
    q_pool = agents_all[[0, 2, 3, 5, 8, 12, 13]]
    y2025 = np.asarray(pd.DatetimeIndex(day).year == 2025)
    pool_2025 = agents_all[[0, 1, 2, 3, 5, 6, 8, 9, 10, 11, 12, 13]]
    agent = np.where(uq, q_pool[rng.integers(0, len(q_pool), n)],
                     np.where(y2025, pool_2025[rng.integers(0, len(pool_2025), n)], normal_pool[rng.integers(0, len(normal_pool), n)]))
    # resolution
    lf = np.log1p(frt)
    hi_sev = np.isin(severity, ["high", "critical"])
    p_res = sigmoid(1.7 - 0.28 * lf - 0.55 * staff - 0.45 * hi_sev - 0.5 * (cat == "customer"))
    u = rng.random(n)
    status = np.where(u < p_res, "resolved", np.where(u < p_res + (1 - p_res) * 0.45, "partially_resolved", "unresolved"))
    resolved, partial, unres = status == "resolved", status == "partially_resolved", status == "unresolved"
    sev_med = pd.Series(severity).map({"low": 6.0, "medium": 20.0, "high": 55.0, "critical": 90.0}).to_numpy()
    res_h = frt + sev_med * np.exp(0.8 * rng.standard_normal(n)) * np.where(rc == "spare_parts_delay", 2.5, 1.0) * np.where(uq, 1.5, 1.0)
    res_h = np.where(unres, np.nan, res_h)
    # recovery action and compensation
    prod_like = np.isin(cat, ["product_service_technology"])
    action = np.empty(n, dtype=object)
    a1 = choice(rng, ACTIONS, [0.02, 0.08, 0.5, 0.2, 0.12, 0.08], n)  # product causes
    a2 = choice(rng, ACTIONS, [0.05, 0.6, 0.05, 0.02, 0.05, 0.23], n)  # people causes
    a3 = choice(rng, ACTIONS, [0.1, 0.45, 0.15, 0.05, 0.1, 0.15], n)  # others
    action[:] = np.where(prod_like, a1, np.where(cat == "people", a2, a3))
    a_un = choice(rng, ACTIONS, [0.55, 0.35, 0.05, 0.0, 0.0, 0.05], n)
    action = np.where(unres, a_un, action)
    comp = np.zeros(n)
    comp = np.where(action == "refund", np.round(rng.lognormal(np.log(900), 0.7, n), -1), comp)
    comp = np.where(action == "voucher", choice(rng, [50.0, 100.0, 200.0, 300.0], [0.3, 0.4, 0.2, 0.1], n), comp)
    comp = np.where(action == "replacement", np.where(rng.random(n) < 0.7, 0.0, np.round(rng.lognormal(np.log(2500), 0.5, n), -1)), comp)
    comp = np.round(comp, 2)
    # CSAT after resolution (1-5): first response time is the main driver; recovery outcome next
    generous = np.isin(action, ["refund", "replacement", "voucher"])
    lat = 3.55 + 1.1 * resolved + 0.35 * partial - 0.48 * lf - 0.45 * staff + 0.25 * generous - 0.15 * hi_sev + rng.normal(0, 0.7, n)
    csat = np.clip(np.round(lat), 1, 5)
    respond = rng.random(n) < np.where(unres, 0.55, 0.75)
    # churn in the 12 months after: staff attitude is by far the strongest driver
    p_churn = sigmoid(-2.6 + 3.1 * staff + 0.9 * (rc == "arrogant_sales_staff") + 1.0 * unres + 0.45 * partial
                      + 0.12 * lf + np.where(cust.service_tier.to_numpy() == "basic", 0.2, -0.2))
    churn_t = rng.random(n) < p_churn
    # first-response missing for a few tickets (record lost in the migration)
    frt_missing = rng.random(n) < 0.012
    tickets = pd.DataFrame({
        "received": received, "customer_id": cust.customer_id.to_numpy(), "customer_tier": cust.service_tier.to_numpy(),
        "channel": channel, "product_line": product, "root_cause_category": cat, "root_cause": rc,
        "severity": severity, "agent_id": agent, "frt_s": frt_s, "res_h": res_h, "status": status,
        "action": action, "comp": comp, "csat": np.where(respond, csat, np.nan), "csat_lat": lat,
        "churn": churn_t, "frt_missing": frt_missing,
    })
    tickets = tickets.sort_values(["received", "customer_id"], kind="stable").reset_index(drop=True)
    tickets["ticket_id"] = [f"T{r.year}-{i:05d}" for i, r in zip(range(1, len(tickets) + 1), tickets.received)]
    # customer-level outcome = the outcome after the customer's LAST complaint, copied to all their tickets
    last = tickets.groupby("customer_id", sort=True).tail(1).set_index("customer_id")
    tickets["churned_12m"] = tickets.customer_id.map(last.churn).astype(bool)
    per_customer = pd.DataFrame({"last_status": last.status, "last_csat_lat": last.csat_lat, "churned": last.churn})
    # --- raw export quirks
    raw_label = np.empty(len(tickets), dtype=object)
    for ch in CHANNELS:
        m = (tickets.channel == ch).to_numpy()
        labs, p = CHANNEL_LABELS[ch]
        raw_label[m] = choice(rng, labs, p, int(m.sum()))
    first_resp = tickets.received + pd.to_timedelta(tickets.frt_s, unit="s")
    first_resp = first_resp.where(~tickets.frt_missing)
    resolved_at = tickets.received + pd.to_timedelta(np.round(tickets.res_h.fillna(0).to_numpy() * 3600).astype(np.int64), unit="s")
    resolved_at = resolved_at.where(tickets.status != "unresolved")
    summaries = [SUMMARIES[r][int(k) % len(SUMMARIES[r])] for r, k in zip(tickets.root_cause, rng.integers(0, 6, len(tickets)))]
    out = pd.DataFrame({
        "ticket_id": tickets.ticket_id,
        "customer_id": tickets.customer_id,
        "customer_tier": tickets.customer_tier,
        "channel": raw_label,
        "product_line": tickets.product_line,
        "received_at": ts_str(tickets.received),
        "first_response_at": ts_str(first_resp),
        "resolved_at": ts_str(resolved_at),
        "severity": tickets.severity,
        "root_cause_category": tickets.root_cause_category,
        "root_cause": tickets.root_cause,
        "summary": summaries,
        "agent_id": tickets.agent_id,
        "resolution_status": tickets.status,
        "recovery_action": tickets.action,
        "compensation_cny": tickets.comp.round(2),
        "csat": pd.array(tickets.csat.to_numpy(), dtype="Int64"),
        "churned_12m": tickets.churned_12m,
    })
    for c in ("first_response_at", "resolved_at"):
        out[c] = out[c].replace("", np.nan)
    # a few rows exported twice (identical copies, placed right after the original)
    dup_idx = np.sort(rng.choice(len(out), size=38, replace=False))
    out = pd.concat([out, out.iloc[dup_idx]]).sort_index(kind="stable").reset_index(drop=True)
    return out, per_customer


def customers_final(base: pd.DataFrame, per_customer: pd.DataFrame) -> pd.DataFrame:
    rng = rng_for("customers-outcomes")
    n = len(base)
    df = base.copy()
    pc = per_customer.reindex(df.customer_id)
    complained = df.complained.to_numpy()
    silent = df.experienced_problem.to_numpy() & ~complained
    no_problem = ~df.experienced_problem.to_numpy()
    tier_adj = np.where(df.service_tier.to_numpy() == "basic", 0.2, -0.2)
    ten_adj = -0.15 * np.log1p(df.tenure_months.to_numpy() / 12.0)
    p = np.where(no_problem, sigmoid(-1.65 + tier_adj + ten_adj), sigmoid(-0.35 + tier_adj + ten_adj))
    churn = rng.random(n) < p
    churn = np.where(complained, pc.churned.fillna(False).to_numpy(dtype=bool), churn)
    sat_lat = np.where(no_problem, 3.85 + rng.normal(0, 0.75, n), 2.8 + rng.normal(0, 0.8, n))
    sat_lat = np.where(complained, pc.last_csat_lat.fillna(3.0).to_numpy() - 0.1 + rng.normal(0, 0.4, n), sat_lat)
    sat = np.clip(np.round(sat_lat), 1, 5)
    responded = rng.random(n) < 0.62
    df["satisfaction_score"] = pd.array(np.where(responded, sat, np.nan), dtype="Int64")
    df["churned_12m"] = churn.astype(bool)
    cols = ["customer_id", "customer_type", "region", "service_tier", "first_purchase_date", "tenure_months",
            "orders_24m", "revenue_24m_cny", "gross_margin_24m_cny", "last_order_date", "experienced_problem",
            "complained", "satisfaction_score", "churned_12m"]
    return df[cols]


def complaints_schema():
    return {
        "ticket_id": col("string", "Ticket number, T<year>-<sequence>. NOT unique: a few rows were exported twice (see DATASHEET)."),
        "customer_id": col("string", "Customer account; joins customers/customers.csv."),
        "customer_tier": col("category", "Customer's service tier at the time (seed 001's three service levels).", allowed=TIERS),
        "channel": col("category", "Channel as typed in the export: inconsistent spellings, some Chinese, some with a trailing space. Clean to phone/email/web/wechat/walk_in.", allowed=RAW_CHANNEL_LABELS),
        "product_line": col("category", "Product the complaint is about.", allowed=PRODUCT_LINES),
        "received_at": col("datetime", "When the complaint was received, local time (China Standard Time, UTC+8, no offset written).", fmt=DT_FMT),
        "first_response_at": col("datetime", "First reply from the company to the customer, local time. Empty where the record was lost.", nullable=True, fmt=DT_FMT),
        "resolved_at": col("datetime", "When the ticket was closed with a (full or partial) resolution, local time. Empty when unresolved.", nullable=True, fmt=DT_FMT),
        "severity": col("category", "Severity assigned at intake (ordered low < medium < high < critical).", allowed=SEVERITIES),
        "root_cause_category": col("category", "Root-cause category of seed 004's complaint log: people (人); product/service/technology (产品/服务/技术); support (支援); customer (客户); other (其他因素).", allowed=RC_CATEGORIES),
        "root_cause": col("category", "Finer root cause found by the investigating agent; each belongs to exactly one root_cause_category.", allowed=RC_NAMES),
        "summary": col("string", "The customer's complaint in one line (English translation of the intake note)."),
        "agent_id": col("string", "Service agent who owned the ticket."),
        "resolution_status": col("category", "Outcome of the complaint.", allowed=RESOLUTION),
        "recovery_action": col("category", "What the company did for the customer.", allowed=ACTIONS),
        "compensation_cny": col("float", "Money or voucher value given to the customer (0 if none).", unit="CNY", min=0.0),
        "csat": col("integer", "Post-resolution satisfaction survey, 1 = very dissatisfied … 5 = very satisfied. Empty = did not answer.", unit="points (1-5)", nullable=True, min=1, max=5),
        "churned_12m": col("boolean", "True if the customer made no purchase in the 12 months after their last complaint (customer-level: same value on all their tickets; repurchased = not churned)."),
    }


def customers_schema():
    return {
        "customer_id": col("string", "Customer account id (unique)."),
        "customer_type": col("category", "Kind of account.", allowed=CUSTOMER_TYPES),
        "region": col("category", "Sales region. Empty where the CRM record has no address.", nullable=True, allowed=REGIONS),
        "service_tier": col("category", "Service level the account receives (seed 001: basic / consultative / solution-based).", allowed=TIERS),
        "first_purchase_date": col("datetime", "Date of the first purchase.", fmt=DATE_FMT),
        "tenure_months": col("integer", "Months from first purchase to the snapshot date 2025-12-31.", unit="months", min=1, max=144),
        "orders_24m": col("integer", "Orders placed 2024-01-01 … 2025-12-31.", unit="orders", min=1),
        "revenue_24m_cny": col("float", "Net revenue 2024-01-01 … 2025-12-31.", unit="CNY", min=0.0),
        "gross_margin_24m_cny": col("float", "Gross margin on that revenue after returns and warranty costs (can be negative).", unit="CNY"),
        "last_order_date": col("datetime", "Date of the most recent order up to the snapshot.", fmt=DATE_FMT),
        "experienced_problem": col("boolean", "Customer said in the 2025 relationship survey / CRM notes that they had a problem with a product or service in the period."),
        "complained": col("boolean", "Customer has at least one ticket in complaints/complaints.csv."),
        "satisfaction_score": col("integer", "Overall satisfaction in the end-of-2025 relationship survey (same 1–5 question as complaints.csat). Empty = did not answer.", unit="points (1-5)", nullable=True, min=1, max=5),
        "churned_12m": col("boolean", "No purchase in the 12 months after the snapshot (for complainers: after their last complaint, identical to complaints.churned_12m)."),
    }


# --------------------------------------------------------------------------- servqual
DIMENSIONS = [  # (dimension, Chinese, items)
    ("tangibles", "有形性", [1, 2, 3, 4]),
    ("reliability", "可靠性", [5, 6, 7, 8, 9]),
    ("responsiveness", "响应性", [10, 11, 12, 13]),
    ("assurance", "保证性", [14, 15, 16, 17]),
    ("empathy", "移情性", [18, 19, 20, 21, 22]),
]
ITEM_TEXT = {
    1: "has modern-looking equipment", 2: "has visually appealing physical facilities", 3: "has employees who are neat in appearance",
    4: "has visually appealing materials (leaflets, statements)", 5: "does what it promises by the promised time",
    6: "shows a sincere interest in solving your problem", 7: "performs the service right the first time",
    8: "provides its services at the time it promises", 9: "keeps error-free records",
    10: "tells you exactly when services will be performed", 11: "gives you prompt service",
    12: "has employees who are always willing to help you", 13: "has employees who are never too busy to respond to your requests",
    14: "has employees whose behaviour instils confidence", 15: "makes you feel safe in your transactions",
    16: "has employees who are consistently courteous", 17: "has employees with the knowledge to answer your questions",
    18: "gives you individual attention", 19: "has operating hours convenient to all its customers",
    20: "has employees who give you personal attention", 21: "has your best interests at heart",
    22: "has employees who understand your specific needs",
}
BRANCHES = ["beijing_chaoyang", "shanghai_pudong", "guangzhou_tianhe", "chengdu_wuhou", "shenzhen_futian"]
GAP4_BRANCH = "shenzhen_futian"
GAP4_ITEMS = [5, 8, 10, 11]  # the items the '2-hour repair guarantee' advertising speaks to
PERF_BRANCH = "chengdu_wuhou"  # genuine delivery (gap 3) problem in responsiveness


def gen_servqual():
    rng = rng_for("servqual")
    per_branch = 96
    n = per_branch * len(BRANCHES)
    branch = np.repeat(np.array(BRANCHES, dtype=object), per_branch)
    segment = choice(rng, ["consumer", "business"], [0.7, 0.3], n)
    mu_e = {"tangibles": 5.3, "reliability": 6.0, "responsiveness": 5.75, "assurance": 5.6, "empathy": 5.3}
    mu_p = {"tangibles": 5.05, "reliability": 4.45, "responsiveness": 4.65, "assurance": 5.0, "empathy": 4.7}
    b_eff = {b: rng.normal(0, 0.12, 5) for b in BRANCHES}
    gen_e = rng.normal(0, 0.45, n)
    gen_p = rng.normal(0, 0.6, n)
    E, P = {}, {}
    for d, (dim, _, items) in enumerate(DIMENSIONS):
        pe = rng.normal(0, 0.45, n)
        pp = rng.normal(0, 0.7, n)
        for it in items:
            off_e, off_p = rng.normal(0, 0.12), rng.normal(0, 0.15)
            le = mu_e[dim] + off_e + gen_e + pe + rng.normal(0, 0.55, n)
            lp = mu_p[dim] + off_p + np.array([b_eff[b][d] for b in branch]) + gen_p + pp + rng.normal(0, 0.8, n)
            if it in GAP4_ITEMS:
                le = le + np.where(branch == GAP4_BRANCH, 1.1, 0.0)
            if dim == "responsiveness":
                lp = lp - np.where(branch == PERF_BRANCH, 0.75, 0.0)
            E[it] = np.clip(np.round(le), 1, 7)
            P[it] = np.clip(np.round(lp), 1, 7)
    # importance: 100 points over the five dimensions
    mean_pts = np.array([11, 32, 22, 19, 16], dtype=float)
    shares = rng.dirichlet(mean_pts / 100 * 18, n)
    pts = int_to_100(shares)
    bad = np.sort(rng.choice(n, 9, replace=False))  # allocations that do not add up to 100
    for k, i in enumerate(bad):
        j = int(rng.integers(0, 5))
        pts[i, j] = max(0, pts[i, j] + int([-10, 10, -5, 15, -20, 5, 10, -10, 20][k]))
    # outcomes
    pm = {dim: np.mean([P[i] for i in items], axis=0) for dim, _, items in DIMENSIONS}
    gm = {dim: np.mean([P[i] - E[i] for i in items], axis=0) for dim, _, items in DIMENSIONS}
    sat_lat = 4.6 + 0.45 * (pm["reliability"] - 4.5) + 0.3 * (pm["responsiveness"] - 4.6) + 0.12 * (pm["assurance"] - 5) \
        + 0.1 * (pm["empathy"] - 4.7) + 0.05 * (pm["tangibles"] - 5) + 0.15 * gm["reliability"] + rng.normal(0, 0.6, n)
    sat = np.clip(np.round(sat_lat), 1, 7).astype(int)
    rec = np.clip(np.round(1.6 * (sat_lat - 4.6) + 7 + rng.normal(0, 1.2, n)), 0, 10).astype(int)
    dates = pd.Timestamp("2025-10-06") + pd.to_timedelta(rng.integers(0, 26, n), unit="D")
    df = pd.DataFrame({"respondent_id": [f"R{i:04d}" for i in range(1, n + 1)], "branch": branch, "segment": segment,
                       "survey_date": [d.strftime(DATE_FMT) for d in dates]})
    miss = rng.random((n, 44)) < 0.004
    for it in range(1, 23):
        df[f"e{it:02d}"] = pd.array(np.where(miss[:, it - 1], np.nan, E[it]), dtype="Int64")
    for it in range(1, 23):
        df[f"p{it:02d}"] = pd.array(np.where(miss[:, 21 + it], np.nan, P[it]), dtype="Int64")
    for j, (dim, _, _) in enumerate(DIMENSIONS):
        df[f"imp_{dim}"] = pts[:, j]
    df["overall_satisfaction"] = sat
    df["recommend_0_10"] = rec
    # shuffle row order within the file? keep by id (sorted), ids assigned after a shuffle so branches interleave
    order = rng.permutation(n)
    df = df.iloc[order].reset_index(drop=True)
    df["respondent_id"] = [f"R{i:04d}" for i in range(1, n + 1)]
    items = pd.DataFrame([
        {"item_no": it, "dimension": dim, "dimension_zh": zh, "expectation_column": f"e{it:02d}",
         "perception_column": f"p{it:02d}",
         "expectation_statement": f"An excellent electronics service centre {ITEM_TEXT[it]}.",
         "perception_statement": f"This service centre {ITEM_TEXT[it]}."}
        for dim, zh, its in DIMENSIONS for it in its])
    return df, items


def servqual_schema():
    s = {
        "respondent_id": col("string", "Respondent id (unique)."),
        "branch": col("category", "Service centre the respondent used.", allowed=BRANCHES),
        "segment": col("category", "Customer segment.", allowed=["consumer", "business"]),
        "survey_date": col("datetime", "Date the questionnaire was completed.", fmt=DATE_FMT),
    }
    for it in range(1, 23):
        s[f"e{it:02d}"] = col("integer", f"Expectation, item {it} (see items.csv): 1 = strongly disagree … 7 = strongly agree. Empty = skipped.", unit="points (1-7)", nullable=True, min=1, max=7)
    for it in range(1, 23):
        s[f"p{it:02d}"] = col("integer", f"Perception, item {it} (see items.csv): 1 = strongly disagree … 7 = strongly agree. Empty = skipped.", unit="points (1-7)", nullable=True, min=1, max=7)
    for dim, zh, _ in DIMENSIONS:
        s[f"imp_{dim}"] = col("integer", f"Points (of 100) the respondent allocated to {dim} ({zh}) as importance.", unit="points", min=0, max=100)
    s["overall_satisfaction"] = col("integer", "Overall satisfaction with the service centre, 1 = very dissatisfied … 7 = very satisfied.", unit="points (1-7)", min=1, max=7)
    s["recommend_0_10"] = col("integer", "How likely to recommend the centre to a friend, 0 … 10.", unit="points (0-10)", min=0, max=10)
    return s


def servqual_items_schema():
    return {
        "item_no": col("integer", "SERVQUAL item number 1–22.", min=1, max=22),
        "dimension": col("category", "Dimension the item belongs to.", allowed=[d[0] for d in DIMENSIONS]),
        "dimension_zh": col("category", "Dimension name in Chinese (seed 000).", allowed=[d[1] for d in DIMENSIONS]),
        "expectation_column": col("string", "Column in servqual.csv holding the expectation score."),
        "perception_column": col("string", "Column in servqual.csv holding the perception score."),
        "expectation_statement": col("string", "Expectation wording."),
        "perception_statement": col("string", "Perception wording."),
    }


# --------------------------------------------------------------------------- service_process
# (step_id, order, name, name_zh, lane, standard_min, tolerance_min, fail, wait, visible, value_added, in_log, role)
STEPS = [
    ("S01", 1, "Online / WeChat booking page", "线上预约页面", "physical_evidence", None, None, False, False, True, False, False, None),
    ("S02", 2, "Book a repair appointment", "预约维修", "customer", 3.0, 10.0, False, False, True, False, False, None),
    ("S03", 3, "Service-centre signage and queue-ticket kiosk", "门店标识与取号机", "physical_evidence", None, None, False, False, True, False, False, None),
    ("S04", 4, "Arrive and take a queue ticket", "到店取号", "customer", 1.0, 3.0, False, False, True, False, True, None),
    ("S05", 5, "Reception: check-in and fault description", "前台登记与故障描述", "onstage", 7.0, 10.0, True, True, True, False, True, "receptionist"),
    ("S06", 6, "Warranty and purchase-record check", "保修与购买记录核查", "support", 4.0, 10.0, True, False, False, False, True, "records_clerk"),
    ("S07", 7, "Technician diagnosis with the customer", "技师现场诊断", "onstage", 14.0, 20.0, False, True, True, True, True, "diagnosis_technician"),
    ("S08", 8, "Spare-parts pick from the warehouse", "备件出库", "support", 8.0, 15.0, True, False, False, False, True, "warehouse_clerk"),
    ("S09", 9, "Repair", "维修", "backstage", 38.0, 60.0, False, True, False, True, True, "repair_technician"),
    ("S10", 10, "Quality test", "质量检测", "backstage", 8.0, 10.0, True, False, False, True, True, "qa_inspector"),
    ("S11", 11, "Handover, explanation and payment", "交机、讲解与付款", "onstage", 6.0, 5.0, False, True, True, False, True, "cashier"),
    ("S12", 12, "Repair receipt and warranty card", "维修单与保修卡", "physical_evidence", None, None, False, False, True, False, False, None),
    ("S13", 13, "CRM record update and follow-up call task", "更新客户档案并生成回访任务", "support", 3.0, None, False, False, False, False, False, "back_office"),
]
# Staff-id prefix per role: unique, so receptionists and records clerks stay apart.
STAFF_PREFIX = {"receptionist": "RCP", "records_clerk": "RCD", "diagnosis_technician": "DIA",
                "warehouse_clerk": "WAR", "repair_technician": "REP", "qa_inspector": "QA",
                "cashier": "CAS", "back_office": "BOF"}
STAFF = {"receptionist": 2, "records_clerk": 1, "diagnosis_technician": 2, "warehouse_clerk": 1, "repair_technician": 2,
         "qa_inspector": 1, "cashier": 1, "back_office": 1}
OPEN_FROM, OPEN_TO = 9 * 60, 18 * 60  # service centre opening hours (minutes after midnight)
DEVICE_TYPES = ["smartphone", "laptop", "tablet", "tv", "small_appliance"]


def gen_service_process():
    rng = rng_for("service_process")
    days = [d for d in pd.date_range("2025-09-01", "2025-11-15", freq="D") if d.day_of_week != 6][:60]
    steps_df = pd.DataFrame(STEPS, columns=["step_id", "order", "step_name", "step_name_zh", "lane", "standard_min", "tolerance_min",
                                            "fail_point", "wait_point", "customer_visible", "value_added", "in_event_log", "staff_role"])
    for c in ("standard_min", "tolerance_min"):
        steps_df[c] = steps_df[c].astype(float)
    events, instances = [], []
    inst_no = 0
    # intra-day arrival profile by hour 9..16 (no new arrivals after 17:00; few after 16:00)
    prof = np.array([1.0, 1.4, 1.3, 0.8, 1.0, 1.3, 1.1, 0.4])
    for day in days:
        lam = 19.0 if day.day_of_week < 5 else 21.0
        k = int(rng.poisson(lam))
        hrs = rng.choice(8, size=k, p=prof / prof.sum())
        arr = np.sort(OPEN_FROM + hrs * 60 + rng.uniform(0, 60, k))
        free = {role: np.full(cnt, float(OPEN_FROM)) for role, cnt in STAFF.items()}

        def serve(role, ready, dur):
            srv = free[role]
            j = int(np.argmin(srv))
            start = max(ready, srv[j])
            end = start + dur
            srv[j] = end
            return start, end, f"{STAFF_PREFIX[role]}{j + 1}"

        for t in arr:
            inst_no += 1
            iid = f"R{inst_no:05d}"
            dev = choice(rng, DEVICE_TYPES, [0.4, 0.2, 0.12, 0.13, 0.15], 1)[0]
            in_warranty = bool(rng.random() < 0.62)
            needs_parts = bool(rng.random() < 0.65)
            instances.append((iid, fmt_minutes(day, [t])[0], dev, in_warranty, needs_parts))
            rows = []

            def log(step, attempt, ready, start, end, staff, failed):
                rows.append((iid, step, attempt, ready, start, end, staff, failed))

            # S04 take ticket
            d = rng.uniform(0.5, 1.5)
            log("S04", 1, t, t, t + d, None, False)
            ready = t + d
            # S05 reception (fail: fault misrecorded -> longer diagnosis)
            f05 = bool(rng.random() < 0.05)
            s, e, st = serve("receptionist", ready, rng.gamma(6, 7.0 / 6))
            log("S05", 1, ready, s, e, st, f05)
            ready = e
            # S06 warranty check (fail: record missing -> manual search)
            f06 = bool(rng.random() < 0.07)
            s, e, st = serve("records_clerk", ready, rng.gamma(5, 4.0 / 5) + (rng.uniform(8, 18) if f06 else 0))
            log("S06", 1, ready, s, e, st, f06)
            ready = e
            # S07 diagnosis
            s, e, st = serve("diagnosis_technician", ready, rng.gamma(6, 14.0 / 6) + (rng.uniform(8, 15) if f05 else 0))
            log("S07", 1, ready, s, e, st, False)
            ready = e
            # S08 parts (fail: out of stock -> fetched from the central store)
            if needs_parts:
                f08 = bool(rng.random() < 0.08)
                s, e, st = serve("warehouse_clerk", ready, rng.gamma(5, 8.0 / 5))
                if f08:
                    e = e + rng.uniform(45, 120)
                log("S08", 1, ready, s, e, st, f08)
                ready = e
            # S09 repair, S10 quality test (fail -> rework: repair again, test again)
            s, e, st = serve("repair_technician", ready, rng.gamma(4, 38.0 / 4))
            log("S09", 1, ready, s, e, st, False)
            ready = e
            f10 = bool(rng.random() < 0.09)
            s, e, st = serve("qa_inspector", ready, rng.gamma(6, 8.0 / 6))
            log("S10", 1, ready, s, e, st, f10)
            ready = e
            if f10:
                s, e, st = serve("repair_technician", ready, rng.gamma(4, 20.0 / 4))
                log("S09", 2, ready, s, e, st, False)
                ready = e
                s, e, st = serve("qa_inspector", ready, rng.gamma(6, 6.0 / 6))
                log("S10", 2, ready, s, e, st, False)
                ready = e
            # S11 handover and payment
            s, e, st = serve("cashier", ready, rng.gamma(5, 6.0 / 5))
            log("S11", 1, ready, s, e, st, False)
            for (iid_, step, att, rd, s_, e_, staff, failed) in rows:
                rd_s, s_s, e_s = (int(round(x * 60)) for x in (rd, s_, e_))
                events.append((iid_, step, att, day, rd_s, s_s, e_s, staff, failed))
    ev = pd.DataFrame(events, columns=["instance_id", "step_id", "attempt", "day", "rd", "st", "en", "staff_id", "failed"])
    base = pd.to_datetime(ev.day)
    out = pd.DataFrame({
        "instance_id": ev.instance_id, "step_id": ev.step_id, "attempt": ev.attempt,
        "queue_entry_at": ts_str(base + pd.to_timedelta(ev.rd, unit="s")),
        "start_at": ts_str(base + pd.to_timedelta(ev.st, unit="s")),
        "end_at": ts_str(base + pd.to_timedelta(ev.en, unit="s")),
        "wait_min": ((ev.st - ev.rd) / 60).round(2),
        "duration_min": ((ev.en - ev.st) / 60).round(2),
        "staff_id": ev.staff_id, "failed": ev.failed.astype(bool),
    })
    inst = pd.DataFrame(instances, columns=["instance_id", "arrival_at", "device_type", "in_warranty", "parts_needed"])
    res_rows = [(s[0], s[12], STAFF[s[12]]) for s in STEPS if s[12] is not None]
    resources = pd.DataFrame(res_rows, columns=["step_id", "staff_role", "staff_count"])
    resources["open_minutes_per_day"] = OPEN_TO - OPEN_FROM
    return steps_df, inst, out, resources


def steps_schema():
    return {
        "step_id": col("string", "Step id S01…S13 (unique)."),
        "order": col("integer", "Position of the step in the blueprint, left to right.", min=1, max=13),
        "step_name": col("string", "What happens in the step."),
        "step_name_zh": col("string", "Step name in Chinese."),
        "lane": col("category", "Blueprint row (lane), top to bottom: physical evidence, customer actions, onstage (visible) contact staff, backstage (invisible) contact staff, support processes.", allowed=["physical_evidence", "customer", "onstage", "backstage", "support"]),
        "standard_min": col("float", "Standard (designed) execution time. Empty for physical-evidence rows.", unit="minutes", nullable=True, min=0.0),
        "tolerance_min": col("float", "Customer tolerance time for the step (beyond this the customer feels it is slow). Empty where not set.", unit="minutes", nullable=True, min=0.0),
        "fail_point": col("boolean", "Shostack fail point (F): the step is known to go wrong."),
        "wait_point": col("boolean", "Wait point: the customer typically waits before or during this step."),
        "customer_visible": col("boolean", "The customer sees or does this step (above the line of visibility)."),
        "value_added": col("boolean", "Step adds value the customer pays for (used for process-cycle efficiency)."),
        "in_event_log": col("boolean", "The step is recorded in events.csv."),
        "staff_role": col("string", "Role that performs the step (see resources.csv). Empty for customer actions and physical evidence.", nullable=True),
    }


def instances_schema():
    return {
        "instance_id": col("string", "Repair visit id (unique)."),
        "arrival_at": col("datetime", "Customer arrival at the service centre, local time (UTC+8, no offset written).", fmt=DT_FMT),
        "device_type": col("category", "Device brought in.", allowed=DEVICE_TYPES),
        "in_warranty": col("boolean", "Repair covered by warranty."),
        "parts_needed": col("boolean", "Repair needed a spare part (step S08 appears in events.csv)."),
    }


def events_schema():
    return {
        "instance_id": col("string", "Repair visit id; joins instances.csv."),
        "step_id": col("string", "Step performed; joins steps.csv.", allowed=[s[0] for s in STEPS if s[11]]),
        "attempt": col("integer", "1 = first time; 2 = rework after a failed quality test.", min=1, max=2),
        "queue_entry_at": col("datetime", "When the visit became ready for this step (joined the step's queue), local time.", fmt=DT_FMT),
        "start_at": col("datetime", "When work on the step started, local time.", fmt=DT_FMT),
        "end_at": col("datetime", "When the step ended, local time (for S08 with failed=True this includes fetching the part from the central store).", fmt=DT_FMT),
        "wait_min": col("float", "Waiting before the step = start_at − queue_entry_at.", unit="minutes", min=0.0),
        "duration_min": col("float", "Step duration = end_at − start_at.", unit="minutes", min=0.0),
        "staff_id": col("string", "Staff member who did the step (role prefix + number). Empty for customer actions (S04).", nullable=True),
        "failed": col("boolean", "The step failed: S05 fault misrecorded, S06 purchase record missing, S08 part out of stock, S10 quality test failed (rework follows)."),
    }


def resources_schema():
    return {
        "step_id": col("string", "Step; joins steps.csv."),
        "staff_role": col("string", "Role performing the step."),
        "staff_count": col("integer", "People in that role on every opening day.", unit="people", min=0),
        "open_minutes_per_day": col("integer", "Opening time per day (09:00–18:00).", unit="minutes", min=0),
    }


# --------------------------------------------------------------------------- candidates
QUESTIONS = ["q1_room_of_strangers", "q2_proudest_achievement", "q3_most_important_with_customer",
             "q4_same_or_different_tasks", "q5_25_customers_same_question", "q6_sacrifice_made"]
INTERVIEWERS = ["IV01", "IV02", "IV03", "IV04", "IV05", "IV06"]
LENIENT = "IV04"
STRANGER_LEVELS = ["1_dont_know", "2_not_clear", "3_sorry_not_sure", "4_explains_new_here", "5_offers_to_ask"]
EDUCATION = ["high_school", "vocational_college", "bachelor", "master"]
SOURCES = ["job_board", "referral", "campus", "walk_in"]


def gen_candidates():
    rng = rng_for("candidates")
    n = 320
    A = rng.standard_normal(n)  # service aptitude (true, unobserved)
    Pt = 0.6 * A + 0.8 * rng.standard_normal(n)  # patience with repetitive work
    K = 0.3 * A + 0.95 * rng.standard_normal(n)  # job knowledge
    C = 0.15 * A + 0.99 * rng.standard_normal(n)  # interview charm
    rounds = pd.date_range("2024-02-05", periods=8, freq="6W-MON")
    rnd = np.sort(rng.integers(0, 8, n))
    app_date = [rounds[r] + pd.Timedelta(days=int(x)) for r, x in zip(rnd, rng.integers(0, 4, n))]
    age = np.clip(np.round(rng.normal(26, 5, n)), 19, 48).astype(int)
    edu = choice(rng, EDUCATION, [0.25, 0.42, 0.3, 0.03], n)
    exp_y = np.clip(np.round(rng.gamma(1.2, 1.8, n) * (age - 18) / 10, 1), 0, 25)
    source = choice(rng, SOURCES, [0.5, 0.2, 0.2, 0.1], n)
    napkin_min = np.round(np.clip(34 - 2.5 * Pt + rng.normal(0, 4, n), 18, 60), 1)
    napkin_err = rng.poisson(np.exp(0.9 - 0.45 * Pt))
    boredom = np.minimum(6, rng.poisson(np.exp(0.2 - 0.7 * Pt)))
    # one staged observation: a noisy reading of aptitude (clearly less valid than the full interview)
    s_lat = 0.38 * A + 0.93 * rng.standard_normal(n)
    cuts = [-0.95, 0.0, 0.7, 1.3]
    s_level = np.array(STRANGER_LEVELS, dtype=object)[np.searchsorted(cuts, s_lat)]
    rival = rng.random(n) < sigmoid(0.3 + 0.9 * A)
    know = np.round(np.clip(66 + 11 * K + rng.normal(0, 5, n), 10, 100)).astype(float)
    know[rng.random(n) < 0.03] = np.nan
    # interviews: panels of 2 or 3 from six interviewers
    bias = {"IV01": 0.0, "IV02": -0.1, "IV03": 0.05, "IV04": 0.95, "IV05": -0.05, "IV06": 0.1}
    q_spec = {"q1_room_of_strangers": 0.5 * A, "q2_proudest_achievement": 0.2 * K, "q3_most_important_with_customer": 0.4 * A,
              "q4_same_or_different_tasks": 0.5 * Pt, "q5_25_customers_same_question": 0.35 * Pt + 0.2 * A, "q6_sacrifice_made": 0.2 * A}
    rows = []
    for i in range(n):
        k = 3 if rng.random() < 0.4 else 2
        panel = sorted(rng.choice(len(INTERVIEWERS), size=k, replace=False).tolist())
        for j in panel:
            iv = INTERVIEWERS[j]
            r = {"candidate_id": f"K{i + 1:04d}", "interviewer_id": iv}
            for q in QUESTIONS:
                lat = 3.0 + 0.75 * A[i] + q_spec[q][i] + 0.2 * C[i] + bias[iv] + rng.normal(0, 0.55)
                r[q] = float(np.clip(np.round(lat), 1, 5))
            r["overall_impression"] = float(np.clip(np.round(3.1 + 0.35 * A[i] + 0.9 * C[i] + bias[iv] * 0.8 + rng.normal(0, 0.5)), 1, 5))
            rows.append(r)
    ratings = pd.DataFrame(rows)
    miss = rng.random((len(ratings), len(QUESTIONS))) < 0.01
    for qi, q in enumerate(QUESTIONS):
        ratings[q] = pd.array(np.where(miss[:, qi], np.nan, ratings[q]), dtype="Int64")
    ratings["overall_impression"] = ratings["overall_impression"].astype(int)
    # hiring decision: the managers of the time leaned on overall impression and the interview mean
    g = ratings.groupby("candidate_id", sort=True)
    struct_mean = g[QUESTIONS].mean().mean(axis=1).to_numpy()
    imp_mean = g["overall_impression"].mean().to_numpy()
    comp = 0.55 * imp_mean + 0.45 * struct_mean + 0.01 * np.nan_to_num(know, nan=60) + rng.normal(0, 0.35, n)
    hired = comp >= np.quantile(comp, 0.62)
    # supervisors' ratings are noisy: raw validities among the hired stay realistic (interview about .3)
    perf = np.clip(3.2 + 0.3 * A + 0.1 * K + 0.1 * Pt + rng.normal(0, 0.58, n), 1, 5)
    perf = np.round(perf, 1)
    retained = rng.random(n) < sigmoid(0.9 + 0.8 * Pt + 0.3 * A)
    hire_date = [d + pd.Timedelta(days=int(x)) for d, x in zip(app_date, rng.integers(14, 35, n))]
    cand = pd.DataFrame({
        "candidate_id": [f"K{i:04d}" for i in range(1, n + 1)],
        "application_date": [d.strftime(DATE_FMT) for d in app_date],
        "age": age, "education": edu, "prior_service_years": exp_y, "source": source,
        "napkin_minutes": napkin_min, "napkin_errors": napkin_err, "napkin_boredom_signs": boredom,
        "stranger_test_level": s_level, "rival_test_friendly": rival,
        "knowledge_test_score": pd.array(know, dtype="Int64"),
        "hired": hired,
        "hire_date": [d.strftime(DATE_FMT) if h else np.nan for d, h in zip(hire_date, hired)],
        "performance_rating_12m": np.where(hired, perf, np.nan),
        "retained_12m": pd.array(np.where(hired, retained, None), dtype="boolean"),
    })
    return cand, ratings


def candidates_schema():
    return {
        "candidate_id": col("string", "Applicant id (unique)."),
        "application_date": col("datetime", "Date of the assessment day.", fmt=DATE_FMT),
        "age": col("integer", "Age at application.", unit="years", min=18, max=60),
        "education": col("category", "Highest education completed.", allowed=EDUCATION),
        "prior_service_years": col("float", "Years of previous customer-facing work.", unit="years", min=0.0, max=25.0),
        "source": col("category", "How the applicant came to us.", allowed=SOURCES),
        "napkin_minutes": col("float", "Work sample (seed 003): minutes taken to fold 200 napkins to the standard shown.", unit="minutes", min=0.0),
        "napkin_errors": col("integer", "Work sample: napkins not folded to standard (quality).", unit="napkins", min=0, max=200),
        "napkin_boredom_signs": col("integer", "Work sample: observed signs of boredom or withdrawal (sighing, stopping, checking the phone, complaining), counted by the observer.", unit="count", min=0, max=6),
        "stranger_test_level": col("category", "Staged stranger test (seed 003): how the candidate answered a stranger asking the way. Ordered 1 < 2 < 3 < 4 < 5: 1 'I don't know' (我也不知道); 2 'Not clear' (不清楚); 3 'Sorry, I'm not sure' (对不起,我不清楚); 4 'Sorry, I'm here for an interview myself, I'm not sure' (我是来面试的,我也不太清楚); 5 'I'm not sure — I'll go and ask for you' (我帮你问一下去).", allowed=STRANGER_LEVELS),
        "rival_test_friendly": col("boolean", "Staged rival test (seed 003): was friendly and helpful to a 'rival candidate' looking for the interviewer."),
        "knowledge_test_score": col("integer", "Written product / service knowledge test. Empty = absent on the test day.", unit="points (0-100)", nullable=True, min=0, max=100),
        "hired": col("boolean", "Candidate was offered the post and started."),
        "hire_date": col("datetime", "Start date (hired only).", nullable=True, fmt=DATE_FMT),
        "performance_rating_12m": col("float", "Supervisor's job-performance rating after 12 months (mean of quarterly ratings, 1–5). Hired only.", unit="points (1-5)", nullable=True, min=1.0, max=5.0),
        "retained_12m": col("boolean", "Still employed 12 months after the start date. Hired only (empty otherwise).", nullable=True),
    }


def ratings_schema():
    s = {
        "candidate_id": col("string", "Applicant; joins candidates.csv."),
        "interviewer_id": col("category", "Interviewer who gave the ratings (2 or 3 per candidate).", allowed=INTERVIEWERS),
    }
    text = {
        "q1_room_of_strangers": "Q1 'When you walk into a room full of strangers, how do you feel and what do you do?'",
        "q2_proudest_achievement": "Q2 'What are you proudest of?'",
        "q3_most_important_with_customer": "Q3 'What do you think matters most when talking with a customer?'",
        "q4_same_or_different_tasks": "Q4 'Would you rather do the same thing every day or different things?'",
        "q5_25_customers_same_question": "Q5 'If 25 customers were waiting to ask the same question, how would you stay warm with each one?'",
        "q6_sacrifice_made": "Q6 'Have you ever made a sacrifice in your life?'",
    }
    for q in QUESTIONS:
        s[q] = col("integer", f"Anchored rating 1–5 of the answer to {text[q]} (1 = poor, 3 = acceptable, 5 = excellent, per the anchors in DATASHEET.md). Empty = not rated.", unit="points (1-5)", nullable=True, min=1, max=5)
    s["overall_impression"] = col("integer", "The interviewer's unstructured overall impression of the candidate, 1–5.", unit="points (1-5)", min=1, max=5)
    return s


# --------------------------------------------------------------------------- contact_centre
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
    rng = rng_for("contact_centre")
    days = pd.date_range("2025-03-03", periods=70, freq="D")
    slots = np.arange(8 * 60, 22 * 60, 30)  # 28 half-hours, 08:00-22:00
    # intra-day shape: morning peak 10:00-11:30, afternoon peak 14:00-15:30, evening shoulder
    h = slots / 60.0
    shape = 0.25 + 1.0 * np.exp(-((h - 10.5) / 1.3) ** 2) + 0.8 * np.exp(-((h - 14.6) / 1.4) ** 2) + 0.35 * np.exp(-((h - 19.5) / 1.2) ** 2)
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
        daily = 2300 * dow_f[day.day_of_week] * (1 + 0.002 * d_i) * (0.55 if hol else 1.0) * np.exp(rng.normal(0, 0.05))
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
            rows.append((day + pd.Timedelta(minutes=int(m)), int(calls[k]), int(answered[k]), int(aband[k]), int(within[k]),
                         float(round(aht[k], 1)) if answered[k] > 0 else np.nan, float(round(asa[k], 1)) if answered[k] > 0 else np.nan,
                         int(agents[k])))
    df = pd.DataFrame(rows, columns=["interval_start", "calls_offered", "calls_answered", "calls_abandoned",
                                     "answered_within_20s", "aht_seconds", "asa_seconds", "agents_scheduled"])
    lo, hi = pd.Timestamp(CC_OUTAGE[0]), pd.Timestamp(CC_OUTAGE[1])
    df = df[~((df.interval_start >= lo) & (df.interval_start < hi))]
    dup = df[df.interval_start == pd.Timestamp(CC_DUPLICATE)]
    df = pd.concat([df, dup]).sort_values("interval_start", kind="stable").reset_index(drop=True)
    df["interval_start"] = ts_str(df.interval_start)
    return df


def contact_centre_schema():
    return {
        "interval_start": col("datetime", "Start of the 30-minute interval, local time (UTC+8, no offset written). Lines open 08:00–22:00 every day.", fmt=DT_FMT),
        "calls_offered": col("integer", "Calls that reached the queue in the interval.", unit="calls", min=0),
        "calls_answered": col("integer", "Calls answered by an agent.", unit="calls", min=0),
        "calls_abandoned": col("integer", "Callers who hung up before being answered (offered = answered + abandoned).", unit="calls", min=0),
        "answered_within_20s": col("integer", "Answered calls picked up within 20 seconds (service-level numerator).", unit="calls", min=0),
        "aht_seconds": col("float", "Average handling time (talk + hold + wrap-up) of the answered calls. Empty if none answered.", unit="seconds", nullable=True, min=0.0),
        "asa_seconds": col("float", "Average speed of answer (queue wait) of the answered calls. Empty if none answered.", unit="seconds", nullable=True, min=0.0),
        "agents_scheduled": col("integer", "Agents scheduled on the phones in the interval.", unit="agents", min=0),
    }


# --------------------------------------------------------------------------- writing
def write_csv(df: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def write_schema(path: Path, dataset: str, description: str, files: list) -> None:
    doc = {"dataset": dataset, "description": description, "generator": "datasets/generate.py", "seed": SEED,
           "licence": "CC BY 4.0 (synthetic data)", "files": {}}
    for fname, df, fdesc, cols in files:
        assert list(df.columns) == list(cols), (fname, list(df.columns), list(cols))
        doc["files"][fname] = {"description": fdesc, "rows": int(len(df)), "columns": cols}
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        yaml.safe_dump(doc, fh, sort_keys=False, allow_unicode=True, width=100)


def build_all(out_dir: Path | str = HERE) -> list:
    out = Path(out_dir)
    written = []

    def emit(name, description, files):
        for fname, df, _, _ in files:
            write_csv(df, out / name / fname)
            written.append(f"{name}/{fname}")
        write_schema(out / name / "schema.yml", name, description, files)
        written.append(f"{name}/schema.yml")

    base = customer_base()
    tickets, per_cust = complaints_tables(base)
    customers = customers_final(base, per_cust)
    emit("complaints", "Complaint tickets of a household-electronics maker, 2024-2025.", [
        ("complaints.csv", tickets, "One row per complaint ticket as exported from the ticketing system (a few rows duplicated).", complaints_schema()),
    ])
    emit("customers", "Customer accounts of the same electronics maker (snapshot 2025-12-31).", [
        ("customers.csv", customers, "One row per customer account.", customers_schema()),
    ])
    sq, items = gen_servqual()
    emit("servqual", "SERVQUAL survey of five after-sales service centres, October 2025.", [
        ("servqual.csv", sq, "One row per respondent: 22 expectation items, 22 perception items, importance points, outcomes.", servqual_schema()),
        ("items.csv", items, "The 22 SERVQUAL items and their dimensions.", servqual_items_schema()),
    ])
    steps, inst, events, resources = gen_service_process()
    emit("service_process", "Service blueprint and event log of a walk-in after-sales repair visit, Sep-Nov 2025.", [
        ("steps.csv", steps, "The service blueprint: one row per step, left to right.", steps_schema()),
        ("instances.csv", inst, "One row per repair visit (service instance).", instances_schema()),
        ("events.csv", events, "Event log: one row per step performed per visit (rework repeats a step with attempt = 2).", events_schema()),
        ("resources.csv", resources, "Staffing: people per role and opening minutes per day.", resources_schema()),
    ])
    cand, ratings = gen_candidates()
    emit("candidates", "Applicants for a customer-service post: interview ratings, tests and later outcomes, 2024.", [
        ("candidates.csv", cand, "One row per applicant.", candidates_schema()),
        ("interview_ratings.csv", ratings, "One row per applicant per interviewer.", ratings_schema()),
    ])
    cc = gen_contact_centre()
    emit("contact_centre", "Inbound service hotline: calls per 30-minute interval, 10 weeks (2025-03-03 .. 2025-05-11).", [
        ("contact_centre.csv", cc, "One row per 30-minute interval (a few intervals missing, one duplicated).", contact_centre_schema()),
    ])
    return written


def check(reference: Path = HERE) -> list:
    """Rebuild in a temporary directory; return the relative paths that differ from `reference`."""
    with tempfile.TemporaryDirectory() as tmp:
        written = build_all(tmp)
        bad = [rel for rel in written if not (reference / rel).exists()
               or not filecmp.cmp(Path(tmp) / rel, reference / rel, shallow=False)]
    return bad


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="rebuild into a temp dir and fail if anything differs")
    ap.add_argument("--out", default=str(HERE), help="output directory (default: datasets/)")
    args = ap.parse_args(argv)
    if args.check:
        bad = check(Path(args.out))
        if bad:
            print("differs from committed files:", *bad, sep="\n  ")
            return 1
        print("all dataset files are up to date")
        return 0
    for rel in build_all(args.out):
        print("wrote", rel)
    return 0


if __name__ == "__main__":
    sys.exit(main())
