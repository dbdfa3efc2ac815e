"""Applicants for a customer-service post: assessment-day tests, interview ratings, later outcomes."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .common import DATE_FMT, Dataset, Table, choice, col, rng_for, sigmoid

QUESTION_TEXT = {  # rating column -> the question asked, as schema.yml quotes it
    "q1_room_of_strangers":
        "Q1 'When you walk into a room full of strangers, how do you feel and what do you do?'",
    "q2_proudest_achievement": "Q2 'What are you proudest of?'",
    "q3_most_important_with_customer": "Q3 'What do you think matters most when talking with a customer?'",
    "q4_same_or_different_tasks": "Q4 'Would you rather do the same thing every day or different things?'",
    "q5_25_customers_same_question":
        "Q5 'If 25 customers were waiting to ask the same question, how would you stay warm with each one?'",
    "q6_sacrifice_made": "Q6 'Have you ever made a sacrifice in your life?'",
}
QUESTIONS = list(QUESTION_TEXT)
INTERVIEWERS = ["IV01", "IV02", "IV03", "IV04", "IV05", "IV06"]
LENIENT = "IV04"
STRANGER_LEVELS = ["1_dont_know", "2_not_clear", "3_sorry_not_sure", "4_explains_new_here", "5_offers_to_ask"]
EDUCATION = ["high_school", "vocational_college", "bachelor", "master"]
SOURCES = ["job_board", "referral", "campus", "walk_in"]


def gen_candidates():
    rng = rng_for(CANDIDATES.name)
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
    bias = {"IV01": 0.0, "IV02": -0.1, "IV03": 0.05, LENIENT: 0.95, "IV05": -0.05, "IV06": 0.1}
    q_spec = {"q1_room_of_strangers": 0.5 * A, "q2_proudest_achievement": 0.2 * K,
              "q3_most_important_with_customer": 0.4 * A, "q4_same_or_different_tasks": 0.5 * Pt,
              "q5_25_customers_same_question": 0.35 * Pt + 0.2 * A, "q6_sacrifice_made": 0.2 * A}
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
            imp = 3.1 + 0.35 * A[i] + 0.9 * C[i] + bias[iv] * 0.8 + rng.normal(0, 0.5)
            r["overall_impression"] = float(np.clip(np.round(imp), 1, 5))
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


# --------------------------------------------------------------------------- schema
CANDIDATE_COLUMNS = {
    "candidate_id": col("string", "Applicant id (unique)."),
    "application_date": col("datetime", "Date of the assessment day.", fmt=DATE_FMT),
    "age": col("integer", "Age at application.", unit="years", min=18, max=60),
    "education": col("category", "Highest education completed.", allowed=EDUCATION),
    "prior_service_years": col("float", "Years of previous customer-facing work.",
                               unit="years", min=0.0, max=25.0),
    "source": col("category", "How the applicant came to us.", allowed=SOURCES),
    "napkin_minutes": col("float",
                          "Work sample (seed 003): minutes taken to fold 200 napkins to the standard shown.",
                          unit="minutes", min=0.0),
    "napkin_errors": col("integer", "Work sample: napkins not folded to standard (quality).",
                         unit="napkins", min=0, max=200),
    "napkin_boredom_signs": col("integer",
                                "Work sample: observed signs of boredom or withdrawal (sighing, stopping, "
                                "checking the phone, complaining), counted by the observer.",
                                unit="count", min=0, max=6),
    "stranger_test_level": col("category",
                               "Staged stranger test (seed 003): how the candidate answered a stranger "
                               "asking the way. Ordered 1 < 2 < 3 < 4 < 5: "
                               "1 'I don't know' (我也不知道); 2 'Not clear' (不清楚); "
                               "3 'Sorry, I'm not sure' (对不起,我不清楚); "
                               "4 'Sorry, I'm here for an interview myself, I'm not sure' (我是来面试的,我也不太清楚); "
                               "5 'I'm not sure — I'll go and ask for you' (我帮你问一下去).",
                               allowed=STRANGER_LEVELS),
    "rival_test_friendly": col("boolean",
                               "Staged rival test (seed 003): was friendly and helpful to a 'rival "
                               "candidate' looking for the interviewer."),
    "knowledge_test_score": col("integer",
                                "Written product / service knowledge test. Empty = absent on the test day.",
                                unit="points (0-100)", nullable=True, min=0, max=100),
    "hired": col("boolean", "Candidate was offered the post and started."),
    "hire_date": col("datetime", "Start date (hired only).", nullable=True, fmt=DATE_FMT),
    "performance_rating_12m": col("float",
                                  "Supervisor's job-performance rating after 12 months (mean of quarterly "
                                  "ratings, 1–5). Hired only.",
                                  unit="points (1-5)", nullable=True, min=1.0, max=5.0),
    "retained_12m": col("boolean",
                        "Still employed 12 months after the start date. Hired only (empty otherwise).",
                        nullable=True),
}


def _rating_columns() -> dict:
    s = {
        "candidate_id": col("string", "Applicant; joins candidates.csv."),
        "interviewer_id": col("category", "Interviewer who gave the ratings (2 or 3 per candidate).",
                              allowed=INTERVIEWERS),
    }
    for q, text in QUESTION_TEXT.items():
        s[q] = col("integer",
                   f"Anchored rating 1–5 of the answer to {text} (1 = poor, 3 = acceptable, 5 = excellent, "
                   "per the anchors in DATASHEET.md). Empty = not rated.",
                   unit="points (1-5)", nullable=True, min=1, max=5)
    s["overall_impression"] = col("integer",
                                  "The interviewer's unstructured overall impression of the candidate, 1–5.",
                                  unit="points (1-5)", min=1, max=5)
    return s


CANDIDATES = Dataset(
    name="candidates",
    description="Applicants for a customer-service post: interview ratings, tests and later outcomes, 2024.",
    tables=(
        Table("candidates.csv", "One row per applicant.", CANDIDATE_COLUMNS),
        Table("interview_ratings.csv", "One row per applicant per interviewer.", _rating_columns()),
    ),
)

SCHEMA = (CANDIDATES,)


def build() -> dict:
    """candidates.csv and interview_ratings.csv, by file name."""
    candidates, ratings = gen_candidates()
    return {"candidates.csv": candidates, "interview_ratings.csv": ratings}
