"""The domain areas of the service, in the order they are installed (and their demo data loaded).
Adding an area: a new package under docs_service/ declaring `AREA = Area(...)`, plus one line here."""
AREAS = (
    "accounts",
    "audit",
    "documents",
    "workflow",
    "credits",
    "notifications",
    "formats",
    "certification",
    "search",
    "consultations",
    "web",
)
