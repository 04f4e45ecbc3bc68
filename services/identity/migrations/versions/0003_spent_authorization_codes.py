"""authorization codes are spent, not deleted (reuse revokes what they issued)

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('authorization_code', sa.Column('used_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('authorization_code', sa.Column('family_id', sa.UUID(), nullable=True))


def downgrade() -> None:
    op.drop_column('authorization_code', 'family_id')
    op.drop_column('authorization_code', 'used_at')
