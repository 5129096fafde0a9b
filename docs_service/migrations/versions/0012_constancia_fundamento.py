"""constancias: the legal basis (fundamento) printed in each PDF, stored at issue time so the DOCX
working copy prints the same text after the kind's fundamento.txt changes; NULL for the constancias
issued before (their copy prints the kind's current text)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 18:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('constancias', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fundamento', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('constancias', schema=None) as batch_op:
        batch_op.drop_column('fundamento')
