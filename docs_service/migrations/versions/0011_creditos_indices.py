"""creditos: indexes for the list of a patrón in número order and for conciliation by
(patrón, periodo, concepto) over the open credits only (partial: saldo > 0); pagos: the
duplicate check's index leads with referencia

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 15:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_creditos_patron_id_numero', 'creditos', ['patron_id', 'numero'], unique=False)
    op.create_index('ix_creditos_abiertos', 'creditos', ['patron_id', 'periodo', 'concepto', 'numero'], unique=False,
                    sqlite_where=sa.text('saldo > 0'), postgresql_where=sa.text('saldo > 0'))
    op.drop_index('ix_pagos_origen_referencia', table_name='pagos')
    op.create_index('ix_pagos_referencia_origen', 'pagos', ['referencia', 'origen'], unique=False)


def downgrade():
    op.drop_index('ix_pagos_referencia_origen', table_name='pagos')
    op.create_index('ix_pagos_origen_referencia', 'pagos', ['origen', 'referencia'], unique=False)
    op.drop_index('ix_creditos_abiertos', table_name='creditos')
    op.drop_index('ix_creditos_patron_id_numero', table_name='creditos')
