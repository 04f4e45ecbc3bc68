"""urgent items (an URGENT event, an SLA alert): sent at once, also in quiet hours

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('inbox_item', sa.Column('urgent', sa.Boolean(), server_default='false', nullable=False))


def downgrade() -> None:
    op.drop_column('inbox_item', 'urgent')
