"""search: the outbox of the search projection

Revision ID: 0006
Revises: 0008
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('busqueda_pendientes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('documento_id', sa.Integer(), nullable=False),
    sa.Column('motivo', sa.String(length=40), nullable=False),
    sa.Column('creado', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_busqueda_pendientes'))
    )
    with op.batch_alter_table('busqueda_pendientes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_busqueda_pendientes_documento_id'), ['documento_id'], unique=False)


def downgrade():
    with op.batch_alter_table('busqueda_pendientes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_busqueda_pendientes_documento_id'))
    op.drop_table('busqueda_pendientes')
