"""constancias: the kind's title and the issuing unit's name printed in each PDF, stored at issue time
so the DOCX working copy prints the same after definicion.json changes or the unit is renamed; NULL
for the constancias issued before (their copy prints the current title and name)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 18:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('constancias', schema=None) as batch_op:
        batch_op.add_column(sa.Column('titulo', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('unidad_nombre', sa.String(length=120), nullable=True))


def downgrade():
    with op.batch_alter_table('constancias', schema=None) as batch_op:
        batch_op.drop_column('unidad_nombre')
        batch_op.drop_column('titulo')
