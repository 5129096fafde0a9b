"""consultas: consultas with folio and due date, and their citations of exact versions

Revision ID: 0006b
Revises: 0006
Create Date: 2026-12-01

(The search issue was assigned the single id 0006; its second table set takes 0006b.)
"""
from alembic import op
import sqlalchemy as sa


revision = '0006b'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consultas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('folio', sa.String(length=20), nullable=False),
    sa.Column('tipo', sa.String(length=10), nullable=False),
    sa.Column('asunto', sa.String(length=300), nullable=False),
    sa.Column('descripcion', sa.Text(), nullable=False),
    sa.Column('nrp', sa.String(length=11), nullable=True),
    sa.Column('solicitante_id', sa.Integer(), nullable=False),
    sa.Column('competente_id', sa.Integer(), nullable=False),
    sa.Column('estado', sa.String(length=12), nullable=False),
    sa.Column('autor_id', sa.Integer(), nullable=False),
    sa.Column('asignado_id', sa.Integer(), nullable=True),
    sa.Column('fecha_recepcion', sa.Date(), nullable=False),
    sa.Column('fecha_limite', sa.Date(), nullable=False),
    sa.Column('respuesta', sa.Text(), nullable=True),
    sa.Column('respondida', sa.DateTime(), nullable=True),
    sa.Column('respondida_por_id', sa.Integer(), nullable=True),
    sa.Column('criterio_documento_id', sa.Integer(), nullable=True),
    sa.Column('citas_desactualizadas', sa.Boolean(), nullable=False),
    sa.Column('creado', sa.DateTime(), nullable=False),
    sa.Column('lock', sa.Integer(), nullable=False),
    sa.CheckConstraint("estado IN ('recibida', 'turnada', 'en_analisis', 'respondida')", name=op.f('ck_consultas_estado')),
    sa.CheckConstraint("tipo IN ('general', 'patron')", name=op.f('ck_consultas_tipo')),
    sa.ForeignKeyConstraint(['asignado_id'], ['usuarios.id'], name=op.f('fk_consultas_asignado_id_usuarios')),
    sa.ForeignKeyConstraint(['autor_id'], ['usuarios.id'], name=op.f('fk_consultas_autor_id_usuarios')),
    sa.ForeignKeyConstraint(['competente_id'], ['unidades.id'], name=op.f('fk_consultas_competente_id_unidades')),
    sa.ForeignKeyConstraint(['criterio_documento_id'], ['documentos.id'], name=op.f('fk_consultas_criterio_documento_id_documentos')),
    sa.ForeignKeyConstraint(['respondida_por_id'], ['usuarios.id'], name=op.f('fk_consultas_respondida_por_id_usuarios')),
    sa.ForeignKeyConstraint(['solicitante_id'], ['unidades.id'], name=op.f('fk_consultas_solicitante_id_unidades')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultas')),
    sa.UniqueConstraint('folio', name=op.f('uq_consultas_folio'))
    )
    with op.batch_alter_table('consultas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultas_citas_desactualizadas'), ['citas_desactualizadas'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultas_competente_id'), ['competente_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultas_estado'), ['estado'], unique=False)

    op.create_table('consulta_citas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consulta_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('numeral', sa.String(length=64), nullable=False),
    sa.Column('desactualizada', sa.Boolean(), nullable=False),
    sa.Column('motivo', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['consulta_id'], ['consultas.id'], name=op.f('fk_consulta_citas_consulta_id_consultas'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['versiones.id'], name=op.f('fk_consulta_citas_version_id_versiones')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consulta_citas')),
    sa.UniqueConstraint('consulta_id', 'version_id', 'numeral', name=op.f('uq_consulta_citas_consulta_id_version_id_numeral'))
    )
    with op.batch_alter_table('consulta_citas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consulta_citas_consulta_id'), ['consulta_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consulta_citas_version_id'), ['version_id'], unique=False)


def downgrade():
    with op.batch_alter_table('consulta_citas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consulta_citas_version_id'))
        batch_op.drop_index(batch_op.f('ix_consulta_citas_consulta_id'))
    op.drop_table('consulta_citas')
    with op.batch_alter_table('consultas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultas_estado'))
        batch_op.drop_index(batch_op.f('ix_consultas_competente_id'))
        batch_op.drop_index(batch_op.f('ix_consultas_citas_desactualizadas'))
    op.drop_table('consultas')
