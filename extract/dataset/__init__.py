"""The dataset a run writes: Parquet tables, one JSON per document, and what documents them."""
