"""Customer value (module 5): yearly sales since 2019, the lapsed accounts, the three service levels.

Three tables added to the `customers` dataset, built from the same account master as customers.csv
(`complaints_customers.customer_base`) with their own random generator ('customers-history'), so
customers.csv and complaints.csv stay byte for byte what they were:

- sales_by_year.csv: one row per account and calendar year with at least one order, 2019-2025
  (the ERP went live on 2019-01-01), for the 24,000 active accounts of customers.csv AND the
  accounts that lapsed before 2024. For the active accounts the 2024 and 2025 rows add up exactly
  (to the cent) to orders_24m, revenue_24m_cny and gross_margin_24m_cny, and the year of the last
  row is that of last_order_date.
- lapsed_accounts.csv: the accounts that bought since 2019 but not in 2024-2025 (the CRM archives an
  account after 24 months without an order, so the snapshot customers.csv no longer lists them).
- service_levels.csv: the company's three service levels (seed 001: basic, consultative,
  solution-based), what each includes and what it costs per account and year.

How long accounts stay: every account has its own yearly retention probability p, drawn from a
Beta distribution per customer type (heterogeneity, as in Fader & Hardie's models). Accounts with a
low p leave early, so the survivors are the loyal ones and a cohort's year-on-year retention rises
with its age, where a constant-retention formula assumes it stays flat. For each acquisition year
and type the simulation draws new accounts until exactly as many have survived to 2024 as
customers.csv holds; the others are the lapsed accounts. B2B spend per order grows with the years
as a customer; consumers' does not.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .common import DATE_FMT, Table, col, rng_for

HISTORY_START = 2019          # first year in the ERP extract
LAST_YEAR = 2025              # the snapshot year (customers.csv: 2025-12-31)
WINDOW_START = pd.Timestamp("2024-01-01")
CUSTOMER_TYPES = ["consumer", "small_business", "dealer"]   # as complaints_customers.CUSTOMER_TYPES
TIERS = ["basic", "consultative", "solution"]               # as complaints_customers.TIERS
REGIONS = ["north", "east", "south", "central", "west"]    # as complaints_customers.REGIONS

# Beta(a, b) of the yearly retention probability: mean a/(a+b) for a newly acquired account; the
# survivors' mean after k years is (a+k)/(a+b+k).
RETENTION_BETA = {"consumer": (5.9, 2.07), "small_business": (6.0, 1.5), "dealer": (6.4, 1.12)}
# probability that an active account places at least one order in a given year (consumers buy
# durable goods: not every year)
ORDER_YEAR_P = {"consumer": 0.35, "small_business": 0.9, "dealer": 0.99}
# spend per order grows with the years an account has been a customer (B2B accounts widen their
# range); consumers do not (a television is a television)
SPEND_GROWTH = {"consumer": 0.0, "small_business": 0.04, "dealer": 0.07}
ORDER_RAMP = {"consumer": 0.0, "small_business": 0.30, "dealer": 0.35}  # first years: fewer orders
MARGIN_RATE = {"consumer": 0.27, "small_business": 0.21, "dealer": 0.12}
# In 2024-2025 an account's orders fall in the stretch of this many days before its last order
# (customers.csv gives only the count, the total and the date of the last order).
ACTIVE_STRETCH_DAYS = {"consumer": 270, "small_business": 450, "dealer": 450}

SERVICE_LEVELS = [  # tier, Chinese name, what it includes (English, Chinese), yearly cost per account (CNY),
    # first-response target
    ("basic", "基础服务",
     "Product warranty, installation, the hotline and WeChat service, repairs on request.",
     "产品保修、安装、热线和微信服务、按需维修。", 60, 48),
    ("consultative", "顾问式服务",
     "A named service advisor, a quarterly account review, technical advice on models and delivery, "
     "priority engineer visits.",
     "专属服务顾问、每季度一次业务回顾、机型选择和交付方面的技术建议、工程师优先上门。", 1200, 24),
    ("solution", "方案式服务",
     "A key-account manager, a yearly service plan for all the customer's sites, one on-site engineer "
     "day a month, spare parts held for the customer.",
     "大客户经理、覆盖客户所有网点的年度服务计划、每月一天工程师驻场服务、为客户预留备件。", 6000, 4),
]

SALES_COLUMNS = {
    "customer_id": col("string",
                       "Customer account: one of customers.csv (the active accounts) or of "
                       "lapsed_accounts.csv (accounts that stopped buying before 2024)."),
    "year": col("integer", "Calendar year of the orders.", unit="year", min=HISTORY_START, max=LAST_YEAR),
    "orders": col("integer", "Orders the account placed in the year.", unit="orders", min=1),
    "revenue_cny": col("float", "Net revenue of those orders.", unit="CNY", min=0.0),
    "gross_margin_cny": col("float",
                            "Gross margin on that revenue after returns and warranty costs (can be "
                            "negative).", unit="CNY"),
}

LAPSED_COLUMNS = {
    "customer_id": col("string", "Account id (unique; C24001 and up, none of them in customers.csv)."),
    "customer_type": col("category", "Kind of account.", allowed=CUSTOMER_TYPES),
    "region": col("category", "Sales region. Empty where the CRM record has no address.",
                  nullable=True, allowed=REGIONS),
    "service_tier": col("category", "Service level the account had when it was archived.", allowed=TIERS),
    "first_purchase_date": col("datetime", "Date of the first purchase.", fmt=DATE_FMT),
    "last_order_date": col("datetime",
                           "Date of the last order; no order followed in 24 months, so the CRM archived "
                           "the account. Always before 2024-01-01.", fmt=DATE_FMT),
}

SERVICE_LEVEL_COLUMNS = {
    "service_tier": col("category", "Service level, as customers.service_tier.", allowed=TIERS),
    "name_zh": col("string", "The level's Chinese name in the company's service plan."),
    "includes": col("string", "What an account at this level receives."),
    "includes_zh": col("string", "The same, in Chinese, as the service plan states it."),
    "cost_per_account_year_cny": col("integer",
                                     "Planned cost of serving one account at this level for a year "
                                     "(staff time, visits, parts held), from the service budget.",
                                     unit="CNY", min=0),
    "first_response_target_h": col("integer", "Promised time to the first response to a service request.",
                                   unit="hours", min=1),
}

TABLES = (
    Table("sales_by_year.csv",
          "One row per account and calendar year with at least one order, 2019-2025 (ERP extract): the "
          "active accounts of customers.csv and the lapsed accounts of lapsed_accounts.csv.", SALES_COLUMNS),
    Table("lapsed_accounts.csv",
          "Accounts that bought since 2019 but not in 2024-2025, archived by the CRM.", LAPSED_COLUMNS),
    Table("service_levels.csv", "The three service levels: what each includes and what it costs.",
          SERVICE_LEVEL_COLUMNS),
)


def service_levels() -> pd.DataFrame:
    return pd.DataFrame(SERVICE_LEVELS, columns=list(SERVICE_LEVEL_COLUMNS))


# --------------------------------------------------------------------------- helpers
def _cents(x) -> np.ndarray:
    return np.round(np.asarray(x, dtype=float) * 100).astype(np.int64)


def _ramp(ctype: str, k) -> np.ndarray:
    """Relative order rate in the k-th year as a customer (k = 0 in the acquisition year)."""
    return 1.0 - ORDER_RAMP[ctype] * np.exp(-np.asarray(k, dtype=float) / 1.5)


def _growth(ctype: str, k) -> np.ndarray:
    """Relative spend per order in the k-th year as a customer (levels off after eight years)."""
    return (1.0 + SPEND_GROWTH[ctype]) ** np.minimum(np.asarray(k, dtype=float), 8)


def _year_rows(rng, ctype, ids, cohort, first_year, last_year, rate, aov, mrate, k_ref, last_is_last=True) -> pd.DataFrame:
    """Yearly order rows of one account type, for the years first_year..last_year of each account.

    The acquisition year (if in range) and, when `last_is_last`, `last_year` (the year of the last
    order) always have an order; other years have one with probability ORDER_YEAR_P. Orders, revenue and margin follow the account's own rate, order
    value and margin rate, scaled by the ramp and growth with the years as a customer.
    """
    span = np.maximum(0, last_year - first_year + 1)
    acc = np.repeat(np.arange(len(ids)), span)
    year = np.concatenate([np.arange(f, f + s) for f, s in zip(first_year, span)]) if len(acc) else np.array([], int)
    must = (year == cohort[acc]) | (last_is_last & (year == last_year[acc]))
    keep = must | (rng.random(len(acc)) < ORDER_YEAR_P[ctype])
    acc, year = acc[keep], year[keep]
    k = year - cohort[acc]
    lam = rate[acc] * _ramp(ctype, k) / _ramp(ctype, k_ref[acc])
    orders = 1 + rng.poisson(np.maximum(lam - 1, 0))  # a year with orders has at least one; about lam
    revenue = np.round(orders * aov[acc] * _growth(ctype, k) / _growth(ctype, k_ref[acc])
                       * np.exp(rng.normal(0, 0.35, len(acc))), 2)
    rate_y = np.clip(mrate[acc] + rng.normal(0, 0.015, len(acc)), 0.01, 0.5)
    return pd.DataFrame({"customer_id": ids[acc], "year": year, "orders": orders,
                         "revenue_cny": revenue, "gross_margin_cny": np.round(revenue * rate_y, 2)})


# --------------------------------------------------------------------------- the active accounts
def _window_rows(base: pd.DataFrame, rng) -> pd.DataFrame:
    """2024 and 2025 rows of the active accounts: exactly their 24-month totals, split by year."""
    first = pd.to_datetime(base.first_purchase_date)
    last = pd.to_datetime(base.last_order_date)
    start = first.where(first > WINDOW_START, WINDOW_START)
    # the other orders fall in the account's active stretch before its last order
    stretch = pd.to_timedelta(base.customer_type.map(ACTIVE_STRETCH_DAYS).to_numpy(), unit="D")
    start = start.where(start > last - stretch, last - stretch)
    n = base.orders_24m.to_numpy()
    fixed_last_2024 = (last.dt.year == 2024).to_numpy().astype(int)
    first_counted = ((n >= 2) & (first >= WINDOW_START)).to_numpy()  # the first purchase is a window order
    fixed_first_2024 = (first_counted & (first.dt.year == 2024).to_numpy()).astype(int)
    n_rand = n - 1 - first_counted.astype(int)
    days = (last - start).dt.days.to_numpy().astype(float)
    in_2024 = (pd.Timestamp("2024-12-31") - start).dt.days.to_numpy().astype(float)
    frac_2024 = np.where(days > 0, np.clip(in_2024 / np.maximum(days, 1), 0, 1), fixed_last_2024)
    n_2024 = fixed_last_2024 + fixed_first_2024 + rng.binomial(n_rand, frac_2024)
    n_2025 = n - n_2024
    # revenue share of 2024: order counts weighted with log-normal order sizes
    w24 = n_2024 * np.exp(rng.normal(0, 0.4, len(n)) / np.sqrt(np.maximum(n_2024, 1)))
    w25 = n_2025 * np.exp(rng.normal(0, 0.4, len(n)) / np.sqrt(np.maximum(n_2025, 1)))
    share = w24 / (w24 + w25)
    rev_c, mar_c = _cents(base.revenue_24m_cny), _cents(base.gross_margin_24m_cny)
    rev24, mar24 = np.round(rev_c * share).astype(np.int64), np.round(mar_c * share).astype(np.int64)
    ids = base.customer_id.to_numpy()
    parts = []
    for year, orders, rev, mar in ((2024, n_2024, rev24, mar24), (2025, n_2025, rev_c - rev24, mar_c - mar24)):
        m = orders > 0
        parts.append(pd.DataFrame({"customer_id": ids[m], "year": year, "orders": orders[m],
                                   "revenue_cny": rev[m] / 100, "gross_margin_cny": mar[m] / 100}))
    return pd.concat(parts, ignore_index=True)


def _active_history(base: pd.DataFrame, window: pd.DataFrame, rng) -> pd.DataFrame:
    """2019-2023 rows of the active accounts acquired before 2024.

    Each account's earlier years follow its 2024 orders and order value (its 24-month average if it
    did not order in 2024), scaled back by the ramp and growth with the years as a customer.
    """
    cohort_all = pd.to_datetime(base.first_purchase_date).dt.year
    in_2024 = window[window.year == 2024].set_index("customer_id")
    parts = []
    for ctype in CUSTOMER_TYPES:
        g = base[(cohort_all < 2024) & (base.customer_type == ctype)]
        cohort = pd.to_datetime(g.first_purchase_date).dt.year.to_numpy()
        n, rev, mar = g.orders_24m.to_numpy(), g.revenue_24m_cny.to_numpy(), g.gross_margin_24m_cny.to_numpy()
        n24 = in_2024.orders.reindex(g.customer_id).to_numpy()
        r24 = in_2024.revenue_cny.reindex(g.customer_id).to_numpy()
        has = ~np.isnan(n24)
        rate = np.where(has, n24, n / 2.0)
        aov = np.where(has, r24 / np.where(has, n24, 1), rev / n)
        k_ref = np.where(has, 2024.0, 2024.5) - cohort
        m = mar / np.maximum(rev, 0.01)
        mrate = np.where(m > 0, m, MARGIN_RATE[ctype])  # a negative 24-month margin was a bad period
        parts.append(_year_rows(rng, ctype, g.customer_id.to_numpy(), cohort,
                                np.maximum(cohort, HISTORY_START), np.full(len(g), 2023),
                                rate, aov, mrate, k_ref, last_is_last=False))
    return pd.concat(parts, ignore_index=True)


# --------------------------------------------------------------------------- the lapsed accounts
def _lapsed_lifetimes(base: pd.DataFrame, rng) -> pd.DataFrame:
    """Accounts acquired 2010-2023 that lapsed before 2024, as many as the survivors require."""
    cohort_all = pd.to_datetime(base.first_purchase_date).dt.year
    out = []
    for ctype in CUSTOMER_TYPES:
        a, b = RETENTION_BETA[ctype]
        for c in range(2010, 2024):
            survivors = int(((base.customer_type == ctype) & (cohort_all == c)).sum())
            need = 2024 - c  # in 2024 = still a customer after `need` renewals
            lapsed, got = [], 0
            while got < survivors:
                years = rng.geometric(1.0 - rng.beta(a, b, 512))  # years as a customer, >= 1
                stay = np.flatnonzero(years > need)
                if got + len(stay) >= survivors:
                    years = years[: stay[survivors - got - 1] + 1]
                got += int((years > need).sum())
                lapsed.extend((c + years[years <= need] - 1).tolist())
            last = np.array(lapsed, dtype=int)
            last = last[last >= HISTORY_START]  # stopped buying before 2019: never loaded
            out.append(pd.DataFrame({"customer_type": ctype, "cohort": c, "last_year": last}))
    return pd.concat(out, ignore_index=True)


def _lapsed(base: pd.DataFrame, rng) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(lapsed_accounts table, their yearly sales rows)."""
    life = _lapsed_lifetimes(base, rng)
    n = len(life)
    life["customer_id"] = np.array([f"C{i:05d}" for i in 24001 + rng.permutation(n)], dtype=object)
    # tiers follow the two-year revenue as for the active accounts (5 % / 25 % cut-offs), with legacy errors
    cut_solution, cut_consult = np.quantile(base.revenue_24m_cny, [0.95, 0.75])
    accounts, rows = [], []
    for ctype in CUSTOMER_TYPES:
        g = life[life.customer_type == ctype].reset_index(drop=True)
        m = len(g)
        is_c, is_s = ctype == "consumer", ctype == "small_business"
        orders24 = (1 + rng.poisson(1.1, m)) if is_c else (2 + rng.poisson(6, m)) if is_s else (10 + rng.poisson(40, m))
        med = 3800.0 if is_c else 24000.0 if is_s else 150000.0
        sig = 0.85 if is_s else 0.8
        ref = 2.1 if is_c else 8.0 if is_s else 50.0
        rev24 = med * np.exp(sig * rng.standard_normal(m)) * np.sqrt(orders24 / ref)
        mrate = np.clip(MARGIN_RATE[ctype] + rng.normal(0, 0.05, m), 0.01, 0.5)
        cohort, last = g.cohort.to_numpy(), g.last_year.to_numpy()
        rows.append(_year_rows(rng, ctype, g.customer_id.to_numpy(), cohort, np.maximum(cohort, HISTORY_START),
                               last, orders24 / 2.0, rev24 / orders24, mrate, np.zeros(m)))
        tier = np.where(rev24 >= cut_solution, "solution", np.where(rev24 >= cut_consult, "consultative", "basic"))
        tier = tier.astype(object)
        flip = rng.random(m) < 0.08
        tier[flip] = np.array(TIERS, dtype=object)[rng.choice(3, int(flip.sum()), p=[0.6, 0.3, 0.1])]
        region = np.array(REGIONS, dtype=object)[rng.choice(5, m, p=[0.2, 0.3, 0.22, 0.16, 0.12])]
        region[rng.random(m) < 0.012] = None
        first_day = rng.integers(0, 365, m)
        last_day = np.where(last == cohort, np.maximum(first_day, rng.integers(0, 365, m)), rng.integers(0, 365, m))
        jan1 = lambda y: pd.to_datetime(pd.Series(y).astype(str) + "-01-01")  # noqa: E731
        first = (jan1(cohort) + pd.to_timedelta(first_day, unit="D"))
        first = first.where(first.dt.year == cohort, jan1(cohort) + pd.Timedelta(days=363))
        lastd = (jan1(last) + pd.to_timedelta(last_day, unit="D"))
        lastd = lastd.where(lastd.dt.year == last, jan1(last) + pd.Timedelta(days=363))
        accounts.append(pd.DataFrame({
            "customer_id": g.customer_id.to_numpy(), "customer_type": ctype, "region": region,
            "service_tier": tier, "first_purchase_date": first.dt.strftime("%Y-%m-%d").to_numpy(),
            "last_order_date": lastd.dt.strftime("%Y-%m-%d").to_numpy()}))
    accounts = pd.concat(accounts, ignore_index=True).sort_values("customer_id", kind="stable")
    return accounts.reset_index(drop=True), pd.concat(rows, ignore_index=True)


def build(base: pd.DataFrame) -> dict:
    """sales_by_year.csv, lapsed_accounts.csv and service_levels.csv (the 'customers-history' generator)."""
    rng = rng_for("customers-history")
    window = _window_rows(base, rng)
    history = _active_history(base, window, rng)
    lapsed, lapsed_rows = _lapsed(base, rng)
    sales = pd.concat([history, window, lapsed_rows], ignore_index=True)
    sales = sales.sort_values(["customer_id", "year"], kind="stable").reset_index(drop=True)
    return {"sales_by_year.csv": sales[list(SALES_COLUMNS)], "lapsed_accounts.csv": lapsed[list(LAPSED_COLUMNS)],
            "service_levels.csv": service_levels()}
