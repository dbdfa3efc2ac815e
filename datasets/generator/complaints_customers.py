"""Customers and their complaint tickets: one family, because both come from one customer base.

Who complains, and what happened after their last complaint, decide the customers' outcomes, so
the two datasets are built together (each still draws from its own random generator).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import customer_value
from .common import DATE_FMT, DT_FMT, Dataset, Table, choice, col, rng_for, sigmoid, ts_str

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

SUMMARIES = {  # root cause -> the customer's complaint as noted at intake (Chinese) and its English translation
    "staff_attitude": [("客服很不耐烦，直接挂了我的电话。", "Agent was impatient and hung up on me."),
                       ("我问维修进度时，柜台工作人员态度很差。",
                        "Staff at the counter were rude when I asked about my repair."),
                       ("没有人道歉，客服说是我自己的问题。", "Nobody apologised; the agent said it was my problem.")],
    "arrogant_sales_staff": [("销售员承诺免费安装，我去问的时候他却嘲笑我。",
                              "Salesperson promised free installation, then laughed at me when I asked."),
                             ("销售代表态度傲慢，不肯解释保修条款。",
                              "Sales rep was arrogant and refused to explain the warranty.")],
    "technician_skill": [("维修师傅找不到故障就走了。", "Technician could not find the fault and left."),
                         ("工程师不会安装这个零件。", "Engineer did not know how to fit the part.")],
    "product_defect": [("电视用了三周就黑屏了。", "TV screen went black after three weeks."),
                       ("冰箱还在保修期内就不制冷了。", "Refrigerator stopped cooling within the warranty."),
                       ("洗衣机脱水时漏水。", "Washing machine leaks water during the spin cycle.")],
    "repeat_repair": [("同一个故障已经第三次上门维修了。", "Third repair visit for the same fault."),
                      ("空调上个月刚修过，又出现同样的噪音。", "Air conditioner repaired last month, same noise again.")],
    "installation_fault": [("安装工打孔打错了墙，还弄得一团糟。", "Installer drilled the wrong wall and left a mess."),
                           ("机器装歪了，水排到了阳台上。", "Unit installed crooked, drains onto the balcony.")],
    "software_bug": [("智能电视的应用升级后闪退。", "Smart TV app crashes after the update."),
                     ("固件升级后，空调的App连不上了。", "Air conditioner app cannot connect since firmware update.")],
    "understaffing_long_wait": [("热线等了40分钟，没有人接。", "Waited 40 minutes on the hotline, nobody answered."),
                                ("服务中心只有一个人接待二十位顾客。", "Service centre had one person for twenty customers."),
                                ("两周都约不到工程师。", "No engineer available for two weeks.")],
    "spare_parts_delay": [("维修等备件已经等了3周。", "Repair waiting for a spare part for 3 weeks."),
                          ("说压缩机缺货，也不给到货日期。", "Told the compressor is out of stock, no date given.")],
    "logistics_delay": [("换货的机器晚了10天才送到。", "Replacement unit delivered 10 days late."),
                        ("快递在送往维修中心的路上把我的机器弄丢了。",
                         "Courier lost my device on the way to the repair centre.")],
    "no_service_process": [("在四个部门之间被推来推去，没有人负责我的问题。",
                            "Passed between four departments, nobody owns my case."),
                           ("每次打电话都要重新解释一遍问题。", "Every call I have to explain the problem again.")],
    "customer_misuse": [("机器摔坏后，顾客要求免费维修。", "Device damaged after a fall, customer wants free repair."),
                        ("顾客违反说明书规定在户外使用，现要求退款。", "Used outdoors against instructions, asks for refund.")],
    "unrealistic_expectation": [("顾客要求拿用了5年的旧机换一台新款。", "Wants a new model in exchange for a 5-year-old unit."),
                                ("顾客周日晚上来电，要求当天上门维修。", "Expects same-day home repair on Sunday night.")],
    "billing_error": [("延保费被扣了两次。", "Charged twice for the extended warranty."),
                      ("发票上的型号和价格都不对。", "Invoice shows the wrong model and price.")],
    "other": [("对回访调查电话不满。", "Complains about the survey calls."),
              ("对会员积分规则不满。", "Unhappy with the loyalty-points rules.")],
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
    rng = rng_for(CUSTOMERS.name)
    n = 24000
    ctype = choice(rng, CUSTOMER_TYPES, [0.72, 0.21, 0.07], n)
    is_c, is_s, is_d = ctype == "consumer", ctype == "small_business", ctype == "dealer"
    tenure = np.minimum(144, 1 + np.floor(rng.gamma(2.0, 20.0, n))).astype(int)
    first = [SNAPSHOT - pd.Timedelta(days=int(round(t * 30.44)) - int(d))
             for t, d in zip(tenure, rng.integers(0, 20, n))]
    active_frac = np.minimum(1.0, tenure / 24.0)
    orders = np.where(is_c, 1 + rng.poisson(1.1, n),
                      np.where(is_s, 2 + rng.poisson(6, n), 10 + rng.poisson(40, n)))
    orders = np.maximum(1, np.round(orders * active_frac ** 0.7)).astype(int)
    med = np.where(is_c, 3800.0, np.where(is_s, 24000.0, 150000.0))
    sig = np.where(is_c, 0.8, np.where(is_s, 0.85, 0.8))
    revenue = (med * np.exp(sig * rng.standard_normal(n))
               * np.sqrt(orders / np.where(is_c, 2.1, np.where(is_s, 8.0, 50.0))))
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
    last_order = [min(SNAPSHOT, f + pd.Timedelta(days=int(x)))
                  for f, x in zip(first, rng.integers(0, 800, n))]
    last_order = [max(lo, SNAPSHOT - pd.Timedelta(days=int(x)))
                  for lo, x in zip(last_order, rng.integers(0, 700, n))]
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
    rng = rng_for(COMPLAINTS.name)
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
    severity = np.where(sev_lat < -0.35, "low",
                        np.where(sev_lat < 0.85, "medium", np.where(sev_lat < 1.75, "high", "critical")))
    # first response time (hours)
    med_h = pd.Series(channel).map(
        {"phone": 0.3, "email": 11.0, "web": 6.0, "wechat": 0.9, "walk_in": 0.1}).to_numpy()
    weekend = np.asarray(pd.DatetimeIndex(day).day_of_week >= 5)
    slow_weekend = weekend & np.isin(channel, ["email", "web"])
    frt = (med_h * np.exp(1.05 * rng.standard_normal(n)) * np.where(uq, 3.2, 1.0)
           * np.where(slow_weekend, 1.8, 1.0))
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
                     np.where(y2025, pool_2025[rng.integers(0, len(pool_2025), n)],
                              normal_pool[rng.integers(0, len(normal_pool), n)]))
    # resolution
    lf = np.log1p(frt)
    hi_sev = np.isin(severity, ["high", "critical"])
    p_res = sigmoid(1.7 - 0.28 * lf - 0.55 * staff - 0.45 * hi_sev - 0.5 * (cat == "customer"))
    u = rng.random(n)
    status = np.where(u < p_res, "resolved",
                      np.where(u < p_res + (1 - p_res) * 0.45, "partially_resolved", "unresolved"))
    resolved, partial, unres = status == "resolved", status == "partially_resolved", status == "unresolved"
    sev_med = pd.Series(severity).map({"low": 6.0, "medium": 20.0, "high": 55.0, "critical": 90.0}).to_numpy()
    res_h = frt + (sev_med * np.exp(0.8 * rng.standard_normal(n))
                   * np.where(rc == "spare_parts_delay", 2.5, 1.0) * np.where(uq, 1.5, 1.0))
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
    comp = np.where(action == "voucher",
                    choice(rng, [50.0, 100.0, 200.0, 300.0], [0.3, 0.4, 0.2, 0.1], n), comp)
    comp = np.where(action == "replacement",
                    np.where(rng.random(n) < 0.7, 0.0, np.round(rng.lognormal(np.log(2500), 0.5, n), -1)),
                    comp)
    comp = np.round(comp, 2)
    # CSAT after resolution (1-5): first response time is the main driver; recovery outcome next
    generous = np.isin(action, ["refund", "replacement", "voucher"])
    lat = (3.55 + 1.1 * resolved + 0.35 * partial - 0.48 * lf - 0.45 * staff + 0.25 * generous - 0.15 * hi_sev
           + rng.normal(0, 0.7, n))
    csat = np.clip(np.round(lat), 1, 5)
    respond = rng.random(n) < np.where(unres, 0.55, 0.75)
    # churn in the 12 months after: staff attitude is by far the strongest driver
    p_churn = sigmoid(-2.6 + 3.1 * staff + 0.9 * (rc == "arrogant_sales_staff") + 1.0 * unres + 0.45 * partial
                      + 0.12 * lf + np.where(cust.service_tier.to_numpy() == "basic", 0.2, -0.2))
    churn_t = rng.random(n) < p_churn
    # first-response missing for a few tickets (record lost in the migration)
    frt_missing = rng.random(n) < 0.012
    tickets = pd.DataFrame({
        "received": received, "customer_id": cust.customer_id.to_numpy(),
        "customer_tier": cust.service_tier.to_numpy(),
        "channel": channel, "product_line": product, "root_cause_category": cat, "root_cause": rc,
        "severity": severity, "agent_id": agent, "frt_s": frt_s, "res_h": res_h, "status": status,
        "action": action, "comp": comp, "csat": np.where(respond, csat, np.nan), "csat_lat": lat,
        "churn": churn_t, "frt_missing": frt_missing,
    })
    tickets = tickets.sort_values(["received", "customer_id"], kind="stable").reset_index(drop=True)
    tickets["ticket_id"] = [f"T{r.year}-{i:05d}"
                            for i, r in zip(range(1, len(tickets) + 1), tickets.received)]
    # customer-level outcome = the outcome after the customer's LAST complaint, copied to all their tickets
    last = tickets.groupby("customer_id", sort=True).tail(1).set_index("customer_id")
    tickets["churned_12m"] = tickets.customer_id.map(last.churn).astype(bool)
    per_customer = pd.DataFrame({"last_status": last.status, "last_csat_lat": last.csat_lat,
                                 "churned": last.churn})
    # --- raw export quirks
    raw_label = np.empty(len(tickets), dtype=object)
    for ch in CHANNELS:
        m = (tickets.channel == ch).to_numpy()
        labs, p = CHANNEL_LABELS[ch]
        raw_label[m] = choice(rng, labs, p, int(m.sum()))
    first_resp = tickets.received + pd.to_timedelta(tickets.frt_s, unit="s")
    first_resp = first_resp.where(~tickets.frt_missing)
    res_s = np.round(tickets.res_h.fillna(0).to_numpy() * 3600).astype(np.int64)
    resolved_at = tickets.received + pd.to_timedelta(res_s, unit="s")
    resolved_at = resolved_at.where(tickets.status != "unresolved")
    notes = [SUMMARIES[r][int(k) % len(SUMMARIES[r])]
             for r, k in zip(tickets.root_cause, rng.integers(0, 6, len(tickets)))]
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
        "summary": [english for _zh, english in notes],
        "summary_zh": [zh for zh, _english in notes],
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
    rng = rng_for(f"{CUSTOMERS.name}-outcomes")
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
    sat_lat = np.where(complained, pc.last_csat_lat.fillna(3.0).to_numpy() - 0.1 + rng.normal(0, 0.4, n),
                       sat_lat)
    sat = np.clip(np.round(sat_lat), 1, 5)
    responded = rng.random(n) < 0.62
    df["satisfaction_score"] = pd.array(np.where(responded, sat, np.nan), dtype="Int64")
    df["churned_12m"] = churn.astype(bool)
    return df[list(CUSTOMER_COLUMNS)]


# --------------------------------------------------------------------------- schema
COMPLAINT_COLUMNS = {
    "ticket_id": col("string",
                     "Ticket number, T<year>-<sequence>. NOT unique: a few rows were exported twice (see "
                     "DATASHEET)."),
    "customer_id": col("string", "Customer account; joins customers/customers.csv."),
    "customer_tier": col("category", "Customer's service tier at the time (seed 001's three service levels).",
                         allowed=TIERS),
    "channel": col("category",
                   "Channel as typed in the export: inconsistent spellings, some Chinese, some with a "
                   "trailing space. Clean to phone/email/web/wechat/walk_in.", allowed=RAW_CHANNEL_LABELS),
    "product_line": col("category", "Product the complaint is about.", allowed=PRODUCT_LINES),
    "received_at": col("datetime",
                       "When the complaint was received, local time (China Standard Time, UTC+8, no offset "
                       "written).", fmt=DT_FMT),
    "first_response_at": col("datetime",
                             "First reply from the company to the customer, local time. Empty where the "
                             "record was lost.", nullable=True, fmt=DT_FMT),
    "resolved_at": col("datetime",
                       "When the ticket was closed with a (full or partial) resolution, local time. Empty "
                       "when unresolved.", nullable=True, fmt=DT_FMT),
    "severity": col("category", "Severity assigned at intake (ordered low < medium < high < critical).",
                    allowed=SEVERITIES),
    "root_cause_category": col("category",
                               "Root-cause category of seed 004's complaint log: people (人); "
                               "product/service/technology (产品/服务/技术); support (支援); customer (客户); other "
                               "(其他因素).", allowed=RC_CATEGORIES),
    "root_cause": col("category",
                      "Finer root cause found by the investigating agent; each belongs to exactly one "
                      "root_cause_category.", allowed=RC_NAMES),
    "summary": col("string",
                   "The customer's complaint in one line (English translation of the intake note)."),
    "summary_zh": col("string", "The intake note itself, as the agent wrote it down in Chinese."),
    "agent_id": col("string", "Service agent who owned the ticket."),
    "resolution_status": col("category", "Outcome of the complaint.", allowed=RESOLUTION),
    "recovery_action": col("category", "What the company did for the customer.", allowed=ACTIONS),
    "compensation_cny": col("float", "Money or voucher value given to the customer (0 if none).",
                            unit="CNY", min=0.0),
    "csat": col("integer",
                "Post-resolution satisfaction survey, 1 = very dissatisfied … 5 = very satisfied. Empty = "
                "did not answer.", unit="points (1-5)", nullable=True, min=1, max=5),
    "churned_12m": col("boolean",
                       "True if the customer made no purchase in the 12 months after their last complaint "
                       "(customer-level: same value on all their tickets; repurchased = not churned)."),
}

CUSTOMER_COLUMNS = {
    "customer_id": col("string", "Customer account id (unique)."),
    "customer_type": col("category", "Kind of account.", allowed=CUSTOMER_TYPES),
    "region": col("category", "Sales region. Empty where the CRM record has no address.",
                  nullable=True, allowed=REGIONS),
    "service_tier": col("category",
                        "Service level the account receives (seed 001: basic / consultative / "
                        "solution-based).", allowed=TIERS),
    "first_purchase_date": col("datetime", "Date of the first purchase.", fmt=DATE_FMT),
    "tenure_months": col("integer", "Months from first purchase to the snapshot date 2025-12-31.",
                         unit="months", min=1, max=144),
    "orders_24m": col("integer", "Orders placed 2024-01-01 … 2025-12-31.", unit="orders", min=1),
    "revenue_24m_cny": col("float", "Net revenue 2024-01-01 … 2025-12-31.", unit="CNY", min=0.0),
    "gross_margin_24m_cny": col("float",
                                "Gross margin on that revenue after returns and warranty costs (can be "
                                "negative).", unit="CNY"),
    "last_order_date": col("datetime", "Date of the most recent order up to the snapshot.", fmt=DATE_FMT),
    "experienced_problem": col("boolean",
                               "Customer said in the 2025 relationship survey / CRM notes that they had a "
                               "problem with a product or service in the period."),
    "complained": col("boolean", "Customer has at least one ticket in complaints/complaints.csv."),
    "satisfaction_score": col("integer",
                              "Overall satisfaction in the end-of-2025 relationship survey (same 1–5 "
                              "question as complaints.csat). Empty = did not answer.",
                              unit="points (1-5)", nullable=True, min=1, max=5),
    "churned_12m": col("boolean",
                       "No purchase in the 12 months after the snapshot (for complainers: after their last "
                       "complaint, identical to complaints.churned_12m)."),
}

COMPLAINTS = Dataset(
    name="complaints",
    description="Complaint tickets of a household-electronics maker, 2024-2025.",
    tables=(
        Table("complaints.csv",
              "One row per complaint ticket as exported from the ticketing system (a few rows duplicated).",
              COMPLAINT_COLUMNS),
    ),
)

CUSTOMERS = Dataset(
    name="customers",
    description="Customer accounts of the same electronics maker (snapshot 2025-12-31).",
    tables=(
        Table("customers.csv", "One row per customer account.", CUSTOMER_COLUMNS),
        *customer_value.TABLES,  # module 5: sales by year, lapsed accounts, service levels
    ),
)

SCHEMA = (COMPLAINTS, CUSTOMERS)


def build() -> dict:
    """complaints.csv, customers.csv and the customer-value tables, by file name."""
    assert (customer_value.CUSTOMER_TYPES, customer_value.TIERS, customer_value.REGIONS) == (
        CUSTOMER_TYPES, TIERS, REGIONS)
    base = customer_base()
    tickets, per_customer = complaints_tables(base)
    return {"complaints.csv": tickets, "customers.csv": customers_final(base, per_customer),
            **customer_value.build(base)}
