"""an account's e-mail address, for the notifications service's mail

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('user_account', sa.Column('email', sa.String(length=200), nullable=True))


def downgrade() -> None:
    op.drop_column('user_account', 'email')
