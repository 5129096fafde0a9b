"""Every area's models, imported once so the metadata is complete (Alembic, tests)."""
from .accounts import models as _accounts  # noqa: F401
from .audit import models as _audit  # noqa: F401
from .documents import models as _documents  # noqa: F401
from .workflow import models as _workflow  # noqa: F401
from .core.db import Base

metadata = Base.metadata
