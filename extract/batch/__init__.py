"""Bulk runs: many documents through `extract.pipeline.process` in isolated worker processes (or Ray tasks),
committed in chunks to a resumable ledger, and compacted into one canonical dataset.

    inputs.py   files, folders, globs, list files → jobs (doc_id = sha256 of the bytes, page count)
    work.py     the per-document function the workers run, the pipeline fingerprint, the memory guard
    ledger.py   SQLite ledger + part files: what is committed, under which fingerprint
    local.py    the pebble process pool backend (timeouts, crashes, memory cap, recycling)
    ray_backend.py  the same jobs as Ray tasks
    compact.py  parts → one sorted, de-duplicated `<table>.parquet` per table; `finish`
    run.py      the run: schedule, commit, progress, run.jsonl, summary
"""
