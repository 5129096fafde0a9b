"""notificaciones: the kind «cita_desactualizada» (a consulta cites a version no longer in force)

Revision ID: 0009
Revises: 0006b
Create Date: 2026-12-01 12:40:00
"""
from alembic import op

revision = '0009'
down_revision = '0006b'
branch_labels = None
depends_on = None

BEFORE = ('por_atender', 'devuelta', 'aprobada', 'publicada', 'acuse_pendiente', 'acuse_vencido', 'recordatorio')
AFTER = BEFORE + ('cita_desactualizada',)


def _check(kinds):
    return "tipo IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


def _replace(kinds):
    # SQLite cannot alter a constraint: batch mode copies the table with the new CHECK
    with op.batch_alter_table('notificaciones', recreate='auto') as batch:
        batch.drop_constraint(op.f('ck_notificaciones_tipo'), type_='check')
        batch.create_check_constraint(op.f('ck_notificaciones_tipo'), _check(kinds))


def upgrade():
    _replace(AFTER)


def downgrade():
    op.execute("UPDATE notificaciones SET tipo = 'publicada' WHERE tipo = 'cita_desactualizada'")
    _replace(BEFORE)
