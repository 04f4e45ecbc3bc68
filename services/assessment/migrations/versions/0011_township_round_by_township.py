"""A township's second-round places by township; room in cycle_member's pages for its updates

A member row is updated five or six times in a cycle (two scores, total and shortlist, a round,
the grade): with free space on its page PostgreSQL updates it in place (a HOT update, no index
entries), which halves the time of the bulk steps at 100k members (benchmarks/excellence_flow.py).

Revision ID: 0011
Revises: 0010
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_township_round_township", "township_round", ["cycle_id", "township_id"], unique=False)
    op.execute("ALTER TABLE cycle_member SET (fillfactor = 60)")


def downgrade() -> None:
    op.execute("ALTER TABLE cycle_member RESET (fillfactor)")
    op.drop_index("ix_township_round_township", table_name="township_round")
