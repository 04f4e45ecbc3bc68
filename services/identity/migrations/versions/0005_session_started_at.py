"""Refresh tokens carry their session's start, for the absolute session limit

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('refresh_token', sa.Column('session_started_at', sa.DateTime(timezone=True), nullable=True))
    # A family's start is its oldest token's issue time.
    op.execute(
        "UPDATE refresh_token r SET session_started_at = f.started FROM "
        "(SELECT family_id, min(issued_at) AS started FROM refresh_token GROUP BY family_id) f "
        "WHERE r.family_id = f.family_id"
    )
    op.alter_column('refresh_token', 'session_started_at', nullable=False)


def downgrade() -> None:
    op.drop_column('refresh_token', 'session_started_at')
