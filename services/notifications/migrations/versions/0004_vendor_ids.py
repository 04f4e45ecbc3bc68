"""recipients' DingTalk and WeCom ids (identity's user.contact), for work notifications

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('recipient', sa.Column('dingtalk_user_id', sa.String(length=64), nullable=True))
    op.add_column('recipient', sa.Column('wecom_user_id', sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column('recipient', 'wecom_user_id')
    op.drop_column('recipient', 'dingtalk_user_id')
