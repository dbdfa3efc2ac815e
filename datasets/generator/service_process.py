"""The service blueprint of a walk-in repair visit, and an event log simulated on it.

Each visit queues for staff at every step, so waits, the bottleneck (repair) and the rework after a
failed quality test come out of the simulation rather than being drawn directly.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .common import DT_FMT, Dataset, Table, choice, col, rng_for, ts_str

# (step_id, order, name, name_zh, lane,
#  standard_min, tolerance_min, fail, wait, visible, value_added, in_log, role)
STEPS = [
    ("S01", 1, "Online / WeChat booking page", "线上预约页面", "physical_evidence",
     None, None, False, False, True, False, False, None),
    ("S02", 2, "Book a repair appointment", "预约维修", "customer",
     3.0, 10.0, False, False, True, False, False, None),
    ("S03", 3, "Service-centre signage and queue-ticket kiosk", "门店标识与取号机", "physical_evidence",
     None, None, False, False, True, False, False, None),
    ("S04", 4, "Arrive and take a queue ticket", "到店取号", "customer",
     1.0, 3.0, False, False, True, False, True, None),
    ("S05", 5, "Reception: check-in and fault description", "前台登记与故障描述", "onstage",
     7.0, 10.0, True, True, True, False, True, "receptionist"),
    ("S06", 6, "Warranty and purchase-record check", "保修与购买记录核查", "support",
     4.0, 10.0, True, False, False, False, True, "records_clerk"),
    ("S07", 7, "Technician diagnosis with the customer", "技师现场诊断", "onstage",
     14.0, 20.0, False, True, True, True, True, "diagnosis_technician"),
    ("S08", 8, "Spare-parts pick from the warehouse", "备件出库", "support",
     8.0, 15.0, True, False, False, False, True, "warehouse_clerk"),
    ("S09", 9, "Repair", "维修", "backstage",
     38.0, 60.0, False, True, False, True, True, "repair_technician"),
    ("S10", 10, "Quality test", "质量检测", "backstage",
     8.0, 10.0, True, False, False, True, True, "qa_inspector"),
    ("S11", 11, "Handover, explanation and payment", "交机、讲解与付款", "onstage",
     6.0, 5.0, False, True, True, False, True, "cashier"),
    ("S12", 12, "Repair receipt and warranty card", "维修单与保修卡", "physical_evidence",
     None, None, False, False, True, False, False, None),
    ("S13", 13, "CRM record update and follow-up call task", "更新客户档案并生成回访任务", "support",
     3.0, None, False, False, False, False, False, "back_office"),
]
# Staff-id prefix per role: unique, so receptionists and records clerks stay apart.
STAFF_PREFIX = {"receptionist": "RCP", "records_clerk": "RCD", "diagnosis_technician": "DIA",
                "warehouse_clerk": "WAR", "repair_technician": "REP", "qa_inspector": "QA",
                "cashier": "CAS", "back_office": "BOF"}
STAFF = {"receptionist": 2, "records_clerk": 1, "diagnosis_technician": 2, "warehouse_clerk": 1,
         "repair_technician": 2, "qa_inspector": 1, "cashier": 1, "back_office": 1}
OPEN_FROM, OPEN_TO = 9 * 60, 18 * 60  # service centre opening hours (minutes after midnight)
DEVICE_TYPES = ["smartphone", "laptop", "tablet", "tv", "small_appliance"]


def fmt_minutes(day: pd.Timestamp, minutes: np.ndarray) -> list:
    """Minutes after midnight of `day` -> 'YYYY-MM-DD HH:MM:SS' strings (whole seconds)."""
    secs = np.round(np.asarray(minutes, dtype=float) * 60).astype(np.int64)
    return [(day + pd.Timedelta(seconds=int(s))).strftime(DT_FMT) for s in secs]


def gen_service_process():
    rng = rng_for(SERVICE_PROCESS.name)
    days = [d for d in pd.date_range("2025-09-01", "2025-11-15", freq="D") if d.day_of_week != 6][:60]
    steps_df = pd.DataFrame(STEPS, columns=list(STEP_COLUMNS))
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
            s, e, st = serve("records_clerk", ready,
                             rng.gamma(5, 4.0 / 5) + (rng.uniform(8, 18) if f06 else 0))
            log("S06", 1, ready, s, e, st, f06)
            ready = e
            # S07 diagnosis
            s, e, st = serve("diagnosis_technician", ready,
                             rng.gamma(6, 14.0 / 6) + (rng.uniform(8, 15) if f05 else 0))
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
    ev = pd.DataFrame(events, columns=["instance_id", "step_id", "attempt", "day", "rd", "st", "en",
                                       "staff_id", "failed"])
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
    inst = pd.DataFrame(instances, columns=list(INSTANCE_COLUMNS))
    res_rows = [(s[0], s[12], STAFF[s[12]]) for s in STEPS if s[12] is not None]
    resources = pd.DataFrame(res_rows, columns=["step_id", "staff_role", "staff_count"])
    resources["open_minutes_per_day"] = OPEN_TO - OPEN_FROM
    return steps_df, inst, out, resources


# --------------------------------------------------------------------------- schema
STEP_COLUMNS = {
    "step_id": col("string", "Step id S01…S13 (unique)."),
    "order": col("integer", "Position of the step in the blueprint, left to right.", min=1, max=13),
    "step_name": col("string", "What happens in the step."),
    "step_name_zh": col("string", "Step name in Chinese."),
    "lane": col("category",
                "Blueprint row (lane), top to bottom: physical evidence, customer actions, onstage "
                "(visible) contact staff, backstage (invisible) contact staff, support processes.",
                allowed=["physical_evidence", "customer", "onstage", "backstage", "support"]),
    "standard_min": col("float", "Standard (designed) execution time. Empty for physical-evidence rows.",
                        unit="minutes", nullable=True, min=0.0),
    "tolerance_min": col("float",
                         "Customer tolerance time for the step (beyond this the customer feels it is slow). "
                         "Empty where not set.", unit="minutes", nullable=True, min=0.0),
    "fail_point": col("boolean", "Shostack fail point (F): the step is known to go wrong."),
    "wait_point": col("boolean", "Wait point: the customer typically waits before or during this step."),
    "customer_visible": col("boolean", "The customer sees or does this step (above the line of visibility)."),
    "value_added": col("boolean",
                       "Step adds value the customer pays for (used for process-cycle efficiency)."),
    "in_event_log": col("boolean", "The step is recorded in events.csv."),
    "staff_role": col("string",
                      "Role that performs the step (see resources.csv). Empty for customer actions and "
                      "physical evidence.", nullable=True),
}

INSTANCE_COLUMNS = {
    "instance_id": col("string", "Repair visit id (unique)."),
    "arrival_at": col("datetime",
                      "Customer arrival at the service centre, local time (UTC+8, no offset written).",
                      fmt=DT_FMT),
    "device_type": col("category", "Device brought in.", allowed=DEVICE_TYPES),
    "in_warranty": col("boolean", "Repair covered by warranty."),
    "parts_needed": col("boolean", "Repair needed a spare part (step S08 appears in events.csv)."),
}

EVENT_COLUMNS = {
    "instance_id": col("string", "Repair visit id; joins instances.csv."),
    "step_id": col("string", "Step performed; joins steps.csv.", allowed=[s[0] for s in STEPS if s[11]]),
    "attempt": col("integer", "1 = first time; 2 = rework after a failed quality test.", min=1, max=2),
    "queue_entry_at": col("datetime",
                          "When the visit became ready for this step (joined the step's queue), local time.",
                          fmt=DT_FMT),
    "start_at": col("datetime", "When work on the step started, local time.", fmt=DT_FMT),
    "end_at": col("datetime",
                  "When the step ended, local time (for S08 with failed=True this includes fetching the "
                  "part from the central store).", fmt=DT_FMT),
    "wait_min": col("float", "Waiting before the step = start_at − queue_entry_at.", unit="minutes", min=0.0),
    "duration_min": col("float", "Step duration = end_at − start_at.", unit="minutes", min=0.0),
    "staff_id": col("string",
                    "Staff member who did the step (role prefix + number). Empty for customer actions (S04).",
                    nullable=True),
    "failed": col("boolean",
                  "The step failed: S05 fault misrecorded, S06 purchase record missing, S08 part out of "
                  "stock, S10 quality test failed (rework follows)."),
}

RESOURCE_COLUMNS = {
    "step_id": col("string", "Step; joins steps.csv."),
    "staff_role": col("string", "Role performing the step."),
    "staff_count": col("integer", "People in that role on every opening day.", unit="people", min=0),
    "open_minutes_per_day": col("integer", "Opening time per day (09:00–18:00).", unit="minutes", min=0),
}

SERVICE_PROCESS = Dataset(
    name="service_process",
    description="Service blueprint and event log of a walk-in after-sales repair visit, Sep-Nov 2025.",
    tables=(
        Table("steps.csv", "The service blueprint: one row per step, left to right.", STEP_COLUMNS),
        Table("instances.csv", "One row per repair visit (service instance).", INSTANCE_COLUMNS),
        Table("events.csv",
              "Event log: one row per step performed per visit (rework repeats a step with attempt = 2).",
              EVENT_COLUMNS),
        Table("resources.csv", "Staffing: people per role and opening minutes per day.", RESOURCE_COLUMNS),
    ),
)

SCHEMA = (SERVICE_PROCESS,)


def build() -> dict:
    """steps.csv, instances.csv, events.csv and resources.csv, by file name."""
    steps, instances, events, resources = gen_service_process()
    return {"steps.csv": steps, "instances.csv": instances, "events.csv": events, "resources.csv": resources}
