"""Provider reports: aggregation in SQL, small-number suppression, CSV, easy-read PDF, evidence packs."""
