"""The SERVQUAL survey of five service centres and its 22-item questionnaire."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .common import DATE_FMT, Dataset, Table, choice, col, rng_for

DIMENSIONS = [  # (dimension, Chinese, items)
    ("tangibles", "有形性", [1, 2, 3, 4]),
    ("reliability", "可靠性", [5, 6, 7, 8, 9]),
    ("responsiveness", "响应性", [10, 11, 12, 13]),
    ("assurance", "保证性", [14, 15, 16, 17]),
    ("empathy", "移情性", [18, 19, 20, 21, 22]),
]
ITEM_TEXT = {  # item -> (the questionnaire's Chinese wording, as respondents read it; English)
    1: ("拥有外观现代化的设备", "has modern-looking equipment"),
    2: ("服务设施美观、吸引人", "has visually appealing physical facilities"),
    3: ("员工穿着整洁、仪表得体", "has employees who are neat in appearance"),
    4: ("各类资料（如宣传单、账单）美观、吸引人", "has visually appealing materials (leaflets, statements)"),
    5: ("在承诺的时间内完成承诺的事", "does what it promises by the promised time"),
    6: ("真诚地关心并解决您的问题", "shows a sincere interest in solving your problem"),
    7: ("第一次就把服务做好", "performs the service right the first time"),
    8: ("在承诺的时间提供服务", "provides its services at the time it promises"),
    9: ("记录准确无误", "keeps error-free records"),
    10: ("准确告诉您服务何时进行", "tells you exactly when services will be performed"),
    11: ("为您提供及时的服务", "gives you prompt service"),
    12: ("员工总是乐于帮助您", "has employees who are always willing to help you"),
    13: ("员工从不因为太忙而不回应您的要求", "has employees who are never too busy to respond to your requests"),
    14: ("员工的言行让您信任", "has employees whose behaviour instils confidence"),
    15: ("让您在交易中感到放心", "makes you feel safe in your transactions"),
    16: ("员工始终礼貌待人", "has employees who are consistently courteous"),
    17: ("员工有足够的知识回答您的问题", "has employees with the knowledge to answer your questions"),
    18: ("给予您个别关照", "gives you individual attention"),
    19: ("营业时间对所有顾客都方便", "has operating hours convenient to all its customers"),
    20: ("员工给予您个性化的关怀", "has employees who give you personal attention"),
    21: ("把您的利益放在心上", "has your best interests at heart"),
    22: ("员工了解您的具体需求", "has employees who understand your specific needs"),
}
BRANCHES = ["beijing_chaoyang", "shanghai_pudong", "guangzhou_tianhe", "chengdu_wuhou",
            "shenzhen_futian"]
GAP4_BRANCH = "shenzhen_futian"
GAP4_ITEMS = [5, 8, 10, 11]  # the items the '2-hour repair guarantee' advertising speaks to
PERF_BRANCH = "chengdu_wuhou"  # genuine delivery (gap 3) problem in responsiveness


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


def gen_servqual():
    rng = rng_for(SERVQUAL.name)
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
            branch_eff = np.array([b_eff[b][d] for b in branch])
            lp = mu_p[dim] + off_p + branch_eff + gen_p + pp + rng.normal(0, 0.8, n)
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
    sat_lat = 4.6 + 0.45 * (pm["reliability"] - 4.5) + 0.3 * (pm["responsiveness"] - 4.6) \
        + 0.12 * (pm["assurance"] - 5) + 0.1 * (pm["empathy"] - 4.7) + 0.05 * (pm["tangibles"] - 5) \
        + 0.15 * gm["reliability"] + rng.normal(0, 0.6, n)
    sat = np.clip(np.round(sat_lat), 1, 7).astype(int)
    rec = np.clip(np.round(1.6 * (sat_lat - 4.6) + 7 + rng.normal(0, 1.2, n)), 0, 10).astype(int)
    dates = pd.Timestamp("2025-10-06") + pd.to_timedelta(rng.integers(0, 26, n), unit="D")
    df = pd.DataFrame({"respondent_id": [f"R{i:04d}" for i in range(1, n + 1)], "branch": branch,
                       "segment": segment, "survey_date": [d.strftime(DATE_FMT) for d in dates]})
    miss = rng.random((n, 44)) < 0.004
    for it in range(1, 23):
        df[f"e{it:02d}"] = pd.array(np.where(miss[:, it - 1], np.nan, E[it]), dtype="Int64")
    for it in range(1, 23):
        df[f"p{it:02d}"] = pd.array(np.where(miss[:, 21 + it], np.nan, P[it]), dtype="Int64")
    for j, (dim, _, _) in enumerate(DIMENSIONS):
        df[f"imp_{dim}"] = pts[:, j]
    df["overall_satisfaction"] = sat
    df["recommend_0_10"] = rec
    # rows stay sorted by id, but ids are given after a shuffle, so the branches interleave
    order = rng.permutation(n)
    df = df.iloc[order].reset_index(drop=True)
    df["respondent_id"] = [f"R{i:04d}" for i in range(1, n + 1)]
    items = pd.DataFrame([
        {"item_no": it, "dimension": dim, "dimension_zh": zh, "expectation_column": f"e{it:02d}",
         "perception_column": f"p{it:02d}",
         "expectation_statement": f"An excellent electronics service centre {ITEM_TEXT[it][1]}.",
         "perception_statement": f"This service centre {ITEM_TEXT[it][1]}.",
         "expectation_statement_zh": f"优秀的电子产品服务中心{ITEM_TEXT[it][0]}。",
         "perception_statement_zh": f"这家服务中心{ITEM_TEXT[it][0]}。"}
        for dim, zh, its in DIMENSIONS for it in its])
    return df, items


# --------------------------------------------------------------------------- schema
def _servqual_columns() -> dict:
    s = {
        "respondent_id": col("string", "Respondent id (unique)."),
        "branch": col("category", "Service centre the respondent used.", allowed=BRANCHES),
        "segment": col("category", "Customer segment.", allowed=["consumer", "business"]),
        "survey_date": col("datetime", "Date the questionnaire was completed.", fmt=DATE_FMT),
    }
    for prefix, kind in (("e", "Expectation"), ("p", "Perception")):
        for it in range(1, 23):
            s[f"{prefix}{it:02d}"] = col("integer",
                                         f"{kind}, item {it} (see items.csv): 1 = strongly disagree … "
                                         "7 = strongly agree. Empty = skipped.",
                                         unit="points (1-7)", nullable=True, min=1, max=7)
    for dim, zh, _ in DIMENSIONS:
        s[f"imp_{dim}"] = col("integer",
                              f"Points (of 100) the respondent allocated to {dim} ({zh}) as importance.",
                              unit="points", min=0, max=100)
    s["overall_satisfaction"] = col("integer",
                                    "Overall satisfaction with the service centre, 1 = very dissatisfied … "
                                    "7 = very satisfied.", unit="points (1-7)", min=1, max=7)
    s["recommend_0_10"] = col("integer", "How likely to recommend the centre to a friend, 0 … 10.",
                              unit="points (0-10)", min=0, max=10)
    return s


ITEM_COLUMNS = {
    "item_no": col("integer", "SERVQUAL item number 1–22.", min=1, max=22),
    "dimension": col("category", "Dimension the item belongs to.", allowed=[d[0] for d in DIMENSIONS]),
    "dimension_zh": col("category", "Dimension name in Chinese (seed 000).",
                        allowed=[d[1] for d in DIMENSIONS]),
    "expectation_column": col("string", "Column in servqual.csv holding the expectation score."),
    "perception_column": col("string", "Column in servqual.csv holding the perception score."),
    "expectation_statement": col("string", "Expectation wording."),
    "perception_statement": col("string", "Perception wording."),
    "expectation_statement_zh": col("string", "Expectation wording in Chinese, as respondents read it."),
    "perception_statement_zh": col("string", "Perception wording in Chinese, as respondents read it."),
}

SERVQUAL = Dataset(
    name="servqual",
    description="SERVQUAL survey of five after-sales service centres, October 2025.",
    tables=(
        Table("servqual.csv",
              "One row per respondent: 22 expectation items, 22 perception items, importance points, "
              "outcomes.",
              _servqual_columns()),
        Table("items.csv", "The 22 SERVQUAL items and their dimensions.", ITEM_COLUMNS),
    ),
)

SCHEMA = (SERVQUAL,)


def build() -> dict:
    """servqual.csv and items.csv, by file name."""
    responses, items = gen_servqual()
    return {"servqual.csv": responses, "items.csv": items}
