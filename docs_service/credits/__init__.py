"""Créditos fiscales: patrones, credits through every collection phase (a table of transitions with
guards), their event log, traslados, trámites, payments and their conciliation, bulk import."""
from ..core.areas import Area, NavEntry

AREA = Area(
    name="credits",
    api=(".api", ".api_tramites", ".api_pagos"),
    pages=(".views", ".views_ops"),
    cli=(".cli:creditos_group",),
    blob_columns=(".models:CreditDocument.blob_key",),
    demo=".demo:load",
    home=".views:home_entries",
    nav=(NavEntry("Créditos", "credits_pages.search", roles=("operativo", "auditor", "admin", "titular"), order=35),),
    setup=".setup:connect",
)
