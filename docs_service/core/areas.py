"""Domain areas plug themselves in: each declares an `Area` in its package's `__init__.py`, and the
factory installs every area named in `docs_service.areas.AREAS`. Nothing in core imports an area;
it only reads these declarations."""
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec
from typing import Callable


@dataclass(frozen=True)
class NavEntry:
    """A link in the header: shown to users with one of `roles` (everyone signed in when empty)."""
    label: str
    endpoint: str
    roles: tuple = ()
    order: int = 50   # position in the header, lowest first

    def shown_to(self, user) -> bool:
        return user is not None and (not self.roles or user.has_role(*self.roles))


@dataclass(frozen=True)
class HomeEntry:
    """A card of the home page: a label, where it leads, and an optional counter (red when `alert`)."""
    label: str
    endpoint: str
    count: int | None = None
    alert: bool = False
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Area:
    """What an area contributes. Module references are relative to the area's package
    (".api", ".cli:users_group", ".models:Version.sha256")."""
    name: str
    api: tuple = ()            # modules exposing `blp` (flask-smorest Blueprint)
    pages: tuple = ()          # modules exposing `bp` (Flask Blueprint of HTML pages)
    cli: tuple = ()            # "module:attr" click commands or groups
    blob_columns: tuple = ()   # "module:Model.column" holding storage keys
    init: str | None = None    # "module:function()" run by `docs-service init`, in its transaction
    demo: str | None = None    # "module:function()" run by `docs-service demo`, in area order
    home: str | None = None    # "module:function(user) -> list[HomeEntry]"
    nav: tuple = ()            # NavEntry links of the header
    version_panels: str | None = None  # "module:function(version) -> HTML or None" shown on a version page
    setup: str | None = None   # "module:function(app)": signal receivers, extensions; once per app
    package: str = ""          # filled by `load`: the area's import path


def resolve(area: Area, ref: str):
    """Import `module[:attr.attr]` relative to the area's package."""
    module_name, _, attr = ref.partition(":")
    obj = import_module(module_name, area.package)
    for part in filter(None, attr.split(".")):
        obj = getattr(obj, part)
    return obj


def load(package: str, names) -> list[Area]:
    """Import each area package (and its models, so the metadata is complete)."""
    areas = []
    for name in names:
        module = import_module(f"{package}.{name}")
        declared = getattr(module, "AREA", None)
        if not isinstance(declared, Area):
            raise RuntimeError(f"{package}.{name} does not declare AREA = Area(...)")
        area = Area(**{**declared.__dict__, "package": module.__name__})
        for part in ("models", "signals"):  # tables join the metadata; signals exist before setup
            if find_spec(f"{module.__name__}.{part}") is not None:
                import_module(f"{module.__name__}.{part}")
        areas.append(area)
    return areas


def installed(app) -> list[Area]:
    return app.extensions["docs_areas"]


def install(app, api, areas: list[Area]) -> None:
    """Register every area's blueprints and commands, then run its setup."""
    app.extensions["docs_areas"] = areas
    for area in areas:
        for ref in area.api:
            api.register_blueprint(resolve(area, ref + ":blp"))
        for ref in area.pages:
            app.register_blueprint(resolve(area, ref + ":bp"))
        for ref in area.cli:
            app.cli.add_command(resolve(area, ref))
    for area in areas:
        if area.setup:
            resolve(area, area.setup)(app)


def hooks(app, kind: str) -> list[tuple[Area, Callable]]:
    """The callables of one kind (`init`, `demo`, `home`, `version_panels`) in area order."""
    return [(area, resolve(area, getattr(area, kind))) for area in installed(app) if getattr(area, kind)]


def blob_columns(app) -> list:
    return [resolve(area, ref) for area in installed(app) for ref in area.blob_columns]


def nav_entries(app) -> list[NavEntry]:
    return sorted((entry for area in installed(app) for entry in area.nav), key=lambda e: e.order)
