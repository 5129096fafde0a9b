"""Normative documents: metadata, relations, immutable versions with their sections, vigencia, diff."""
