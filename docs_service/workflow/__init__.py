"""Workflow of versions (states and transitions as a table), difusión and acuses."""
