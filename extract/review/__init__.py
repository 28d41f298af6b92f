"""The reviewer correction loop: people check and correct a run's extractions and findings on the page image.

dataset (the run's output folder, read through its documented files) → items (what a reviewer works on, with a
confidence score) → store (users, sessions, the append-only event log and the state rebuilt from it) → revise (a
document's records and findings re-derived from its corrections) → app (the FastAPI server and its JSON API) →
exchange (gold / Prodigy / Label Studio export and import). `budgetlens review …` is in `extract.review.cli`.
"""
