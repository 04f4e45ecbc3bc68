"""补员 outside the round rule, the township's opinion on any move of a sitting head, 组织部's answer
to a disagreement

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('adjustment', sa.Column('replenishment', sa.Boolean(), server_default='false', nullable=False))
    op.add_column(
        'adjustment', sa.Column('township_opinion_needed', sa.Boolean(), server_default='false', nullable=False)
    )
    op.add_column('adjustment', sa.Column('opinion_answer', sa.Text(), nullable=True))
    op.add_column('adjustment', sa.Column('opinion_answered_by', sa.String(length=64), nullable=True))
    # What existed: single arrivals were replenishments, head changes asked the township.
    op.execute(
        "UPDATE adjustment SET replenishment = true WHERE kind = 'IN' AND batch_id NOT IN "
        "(SELECT batch_id FROM reshuffle_review)"
    )
    op.execute("UPDATE adjustment SET township_opinion_needed = true WHERE kind = 'HEAD_CHANGE'")


def downgrade() -> None:
    for column in ('opinion_answered_by', 'opinion_answer', 'township_opinion_needed', 'replenishment'):
        op.drop_column('adjustment', column)
