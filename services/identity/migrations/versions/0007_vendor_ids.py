"""an account's DingTalk (浙政钉) and WeCom user ids, for work notifications

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('user_account', sa.Column('dingtalk_user_id', sa.String(length=64), nullable=True))
    op.add_column('user_account', sa.Column('wecom_user_id', sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column('user_account', 'wecom_user_id')
    op.drop_column('user_account', 'dingtalk_user_id')
