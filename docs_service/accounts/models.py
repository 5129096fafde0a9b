"""Accounts: organisational units, users with roles, API tokens."""
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import Base, utcnow

ROLES = ("admin", "normativo", "revisor", "titular", "validador", "operativo", "consultor", "auditor")
# Staff of the normative workflow (and its overseers): they see drafts and the whole workflow;
# everyone else sees published versions only.
STAFF_ROLES = ("normativo", "revisor", "titular", "validador", "auditor", "admin")
UNIT_TYPES = ("central", "ooad", "subdelegacion")


class Unit(Base):
    """An OOAD (clave DD), a Subdelegación (clave DDSS) or the central level (clave NC); the official
    catalog is `unidades.csv` (see catalog.py)."""
    __tablename__ = "unidades"
    __table_args__ = (CheckConstraint("tipo IN ('central', 'ooad', 'subdelegacion')", name="tipo"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clave: Mapped[str] = mapped_column(String(4), unique=True)  # DD, DDSS or NC
    nombre: Mapped[str] = mapped_column(String(120))
    tipo: Mapped[str] = mapped_column(String(16))
    ooad_clave: Mapped[str | None] = mapped_column(String(2))  # parent OOAD of a subdelegación


class User(Base):
    """A person (or system) using the service; authorization is read from here on every request."""
    __tablename__ = "usuarios"

    id: Mapped[int] = mapped_column(primary_key=True)
    nombre: Mapped[str] = mapped_column(String(64), unique=True)  # login name
    nombre_completo: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))  # None: API tokens only
    unidad_id: Mapped[int | None] = mapped_column(ForeignKey("unidades.id"))
    activo: Mapped[bool] = mapped_column(Boolean, default=True)
    creado: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)  # optimistic lock / ETag

    unidad: Mapped[Unit | None] = relationship(lazy="joined")
    role_rows: Mapped[list["UserRole"]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    __mapper_args__ = {"version_id_col": version}

    @property
    def roles(self) -> list[str]:
        return sorted(r.rol for r in self.role_rows)

    def has_role(self, *names: str) -> bool:
        return any(r.rol in names for r in self.role_rows)

    # Flask-Login protocol
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.activo

    def get_id(self) -> str:
        return str(self.id)


class UserRole(Base):
    """One role held by a user."""
    __tablename__ = "usuario_roles"
    __table_args__ = (UniqueConstraint("usuario_id", "rol"),
                      CheckConstraint("rol IN (" + ", ".join(f"'{r}'" for r in ROLES) + ")", name="rol"))

    id: Mapped[int] = mapped_column(primary_key=True)
    usuario_id: Mapped[int] = mapped_column(ForeignKey("usuarios.id", ondelete="CASCADE"))
    rol: Mapped[str] = mapped_column(String(16))


class ApiToken(Base):
    """An API token: only the SHA-256 of the secret is stored; the secret is shown once."""
    __tablename__ = "tokens_api"

    id: Mapped[int] = mapped_column(primary_key=True)
    usuario_id: Mapped[int] = mapped_column(ForeignKey("usuarios.id", ondelete="CASCADE"))
    prefijo: Mapped[str] = mapped_column(String(12))  # first characters, to recognise it in lists
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    descripcion: Mapped[str] = mapped_column(String(120), default="")
    creado: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expira: Mapped[datetime | None] = mapped_column(DateTime)
    revocado: Mapped[datetime | None] = mapped_column(DateTime)

    usuario: Mapped[User] = relationship()

    def usable(self, now: datetime) -> bool:
        return self.revocado is None and (self.expira is None or self.expira > now)
