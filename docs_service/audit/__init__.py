"""Append-only, hash-chained audit trail, written in the same transaction as the change."""
