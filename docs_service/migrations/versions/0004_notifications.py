"""notifications: in-app notices, e-mail preference, e-mail outbox

Revision ID: 0004
Revises: 0007
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notificaciones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('usuario_id', sa.Integer(), nullable=False),
    sa.Column('tipo', sa.String(length=20), nullable=False),
    sa.Column('titulo', sa.String(length=300), nullable=False),
    sa.Column('detalle', sa.Text(), nullable=False),
    sa.Column('enlace', sa.String(length=300), nullable=False),
    sa.Column('clave', sa.String(length=120), nullable=True),
    sa.Column('creado', sa.DateTime(), nullable=False),
    sa.Column('leida', sa.DateTime(), nullable=True),
    sa.CheckConstraint("tipo IN ('por_atender', 'devuelta', 'aprobada', 'publicada', 'acuse_pendiente', 'acuse_vencido', 'recordatorio')", name=op.f('ck_notificaciones_tipo')),
    sa.ForeignKeyConstraint(['usuario_id'], ['usuarios.id'], name=op.f('fk_notificaciones_usuario_id_usuarios'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notificaciones')),
    sa.UniqueConstraint('usuario_id', 'clave', name=op.f('uq_notificaciones_usuario_id_clave'))
    )
    with op.batch_alter_table('notificaciones', schema=None) as batch_op:
        batch_op.create_index('ix_notificaciones_usuario_id_leida', ['usuario_id', 'leida'], unique=False)

    op.create_table('preferencias_notificacion',
    sa.Column('usuario_id', sa.Integer(), nullable=False),
    sa.Column('correo', sa.String(length=254), nullable=False),
    sa.Column('por_correo', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['usuario_id'], ['usuarios.id'], name=op.f('fk_preferencias_notificacion_usuario_id_usuarios'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('usuario_id', name=op.f('pk_preferencias_notificacion'))
    )
    op.create_table('correo_salida',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notificacion_id', sa.Integer(), nullable=True),
    sa.Column('destinatario', sa.String(length=254), nullable=False),
    sa.Column('asunto', sa.String(length=300), nullable=False),
    sa.Column('cuerpo', sa.Text(), nullable=False),
    sa.Column('estado', sa.String(length=10), nullable=False),
    sa.Column('intentos', sa.Integer(), nullable=False),
    sa.Column('proximo_intento', sa.DateTime(), nullable=False),
    sa.Column('creado', sa.DateTime(), nullable=False),
    sa.Column('enviado', sa.DateTime(), nullable=True),
    sa.Column('error', sa.String(length=500), nullable=False),
    sa.CheckConstraint("estado IN ('pendiente', 'enviando', 'enviado', 'fallido')", name=op.f('ck_correo_salida_estado')),
    sa.ForeignKeyConstraint(['notificacion_id'], ['notificaciones.id'], name=op.f('fk_correo_salida_notificacion_id_notificaciones'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_correo_salida'))
    )
    with op.batch_alter_table('correo_salida', schema=None) as batch_op:
        batch_op.create_index('ix_correo_salida_estado_proximo_intento', ['estado', 'proximo_intento'], unique=False)



def downgrade():
    with op.batch_alter_table('correo_salida', schema=None) as batch_op:
        batch_op.drop_index('ix_correo_salida_estado_proximo_intento')

    op.drop_table('correo_salida')
    op.drop_table('preferencias_notificacion')
    with op.batch_alter_table('notificaciones', schema=None) as batch_op:
        batch_op.drop_index('ix_notificaciones_usuario_id_leida')

    op.drop_table('notificaciones')
