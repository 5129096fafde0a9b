"""Every area's models, imported once so the metadata is complete (Alembic, tests)."""
from .areas import AREAS
from .core.areas import load
from .core.db import Base

load(__package__, AREAS)
metadata = Base.metadata
