"""A programme's people: reading a CSV (csv_file), what an import would do (plan), the
writes (services) and the reads of the people pages (selectors)."""
