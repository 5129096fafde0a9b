"""formatos: field schema and templates per format version, download log

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('formato_descargas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('unidad_id', sa.Integer(), nullable=True),
    sa.Column('usuario_id', sa.Integer(), nullable=True),
    sa.Column('tipo', sa.String(length=8), nullable=False),
    sa.Column('modo', sa.String(length=12), nullable=False),
    sa.Column('fecha', sa.DateTime(), nullable=False),
    sa.CheckConstraint("modo IN ('blanco', 'prellenado')", name=op.f('ck_formato_descargas_modo')),
    sa.CheckConstraint("tipo IN ('docx', 'pdf')", name=op.f('ck_formato_descargas_tipo')),
    sa.ForeignKeyConstraint(['unidad_id'], ['unidades.id'], name=op.f('fk_formato_descargas_unidad_id_unidades')),
    sa.ForeignKeyConstraint(['usuario_id'], ['usuarios.id'], name=op.f('fk_formato_descargas_usuario_id_usuarios')),
    sa.ForeignKeyConstraint(['version_id'], ['versiones.id'], name=op.f('fk_formato_descargas_version_id_versiones')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_formato_descargas'))
    )
    with op.batch_alter_table('formato_descargas', schema=None) as batch_op:
        batch_op.create_index('ix_formato_descargas_version_unidad', ['version_id', 'unidad_id'], unique=False)

    op.create_table('formato_versiones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('esquema', sa.Text(), nullable=False),
    sa.Column('plantilla_html', sa.Text(), nullable=False),
    sa.Column('instructivo', sa.Text(), nullable=False),
    sa.Column('norma_id', sa.Integer(), nullable=True),
    sa.Column('tema', sa.String(length=100), nullable=False),
    sa.Column('creado', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['norma_id'], ['documentos.id'], name=op.f('fk_formato_versiones_norma_id_documentos')),
    sa.ForeignKeyConstraint(['version_id'], ['versiones.id'], name=op.f('fk_formato_versiones_version_id_versiones')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_formato_versiones')),
    sa.UniqueConstraint('version_id', name=op.f('uq_formato_versiones_version_id'))
    )
    with op.batch_alter_table('formato_versiones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_formato_versiones_tema'), ['tema'], unique=False)



def downgrade():
    with op.batch_alter_table('formato_versiones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_formato_versiones_tema'))

    op.drop_table('formato_versiones')
    with op.batch_alter_table('formato_descargas', schema=None) as batch_op:
        batch_op.drop_index('ix_formato_descargas_version_unidad')

    op.drop_table('formato_descargas')
