"""each person's channels per kind, quiet hours and daily digest

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'preference',
        sa.Column('user_id', sa.UUID(), nullable=False),
        sa.Column('digest', sa.Boolean(), server_default='false', nullable=False),
        sa.Column('quiet_hours', sa.Boolean(), server_default='true', nullable=False),
        sa.Column('channels_by_kind', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_preference')),
    )
    op.create_index(
        'ix_delivery_digest', 'delivery', ['next_attempt_at'], postgresql_where=sa.text("status = 'DIGEST'")
    )


def downgrade() -> None:
    op.drop_index('ix_delivery_digest', table_name='delivery')
    op.drop_table('preference')
