"""Normative documents: metadata, relations, immutable versions with their sections, vigencia, diff."""
from ..core.areas import Area, NavEntry

AREA = Area(
    name="documents",
    api=(".api",),
    pages=(".views",),
    blob_columns=(".models:Version.sha256",),
    home=".views:home_entries",
    nav=(NavEntry("Normateca", "documents_pages.catalog", order=10),),
    setup=".labels:register",
)
