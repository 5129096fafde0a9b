"""consultas: date of the facts (search "vigente al" it) and who confirmed a flagged answer

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 15:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consultas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fecha_hechos', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('confirmada', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('confirmada_por_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_consultas_confirmada_por_id_usuarios'), 'usuarios',
                                    ['confirmada_por_id'], ['id'])


def downgrade():
    with op.batch_alter_table('consultas', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_consultas_confirmada_por_id_usuarios'), type_='foreignkey')
        batch_op.drop_column('confirmada_por_id')
        batch_op.drop_column('confirmada')
        batch_op.drop_column('fecha_hechos')
