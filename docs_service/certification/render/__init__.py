"""Fast constancia renderer: the kind's template laid out once per frame by WeasyPrint, and per
document only the variable part typeset into it (see frame.py, flow.py, writer.py)."""
