"""a source id may join ids (an excellence flow: cycle:department)

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
    op.alter_column('inbox_item', 'source_id', type_=sa.String(100), existing_type=sa.String(64))


def downgrade() -> None:
    op.alter_column('inbox_item', 'source_id', type_=sa.String(64), existing_type=sa.String(100))
