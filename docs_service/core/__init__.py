"""Cross-cutting pieces: database, storage, errors, access, signals, HTTP hygiene and the CLI."""
