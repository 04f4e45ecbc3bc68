"""recipients (from identity's feed) and personal deliveries (mail): a delivery per item, channel and person

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'recipient',
        sa.Column('user_id', postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column('email', sa.String(length=200), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_recipient')),
    )
    op.create_table(
        'recipient_binding',
        sa.Column('binding_id', postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column('user_id', postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column('role', sa.String(length=40), nullable=False),
        sa.Column('scope_kind', sa.String(length=20), nullable=False),
        sa.Column('scope_id', sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint('binding_id', name=op.f('pk_recipient_binding')),
    )
    op.create_index(op.f('ix_recipient_binding_user_id'), 'recipient_binding', ['user_id'])
    op.create_index('ix_recipient_binding_address', 'recipient_binding', ['role', 'scope_kind', 'scope_id'])
    op.add_column('delivery', sa.Column('user_id', postgresql.UUID(as_uuid=True), nullable=True))
    op.drop_constraint('uq_delivery_item_channel', 'delivery', type_='unique')
    op.create_unique_constraint(
        'uq_delivery_item_channel_user', 'delivery', ['item_id', 'channel', 'user_id'],
        postgresql_nulls_not_distinct=True,
    )


def downgrade() -> None:
    op.drop_constraint('uq_delivery_item_channel_user', 'delivery', type_='unique')
    op.create_unique_constraint('uq_delivery_item_channel', 'delivery', ['item_id', 'channel'])
    op.drop_column('delivery', 'user_id')
    op.drop_table('recipient_binding')
    op.drop_table('recipient')
