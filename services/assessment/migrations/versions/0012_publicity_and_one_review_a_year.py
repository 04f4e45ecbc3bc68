"""公示: an objection names whose result it is about; 双述职 once a year per agency, with the head
reviewed

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("objection", sa.Column("about_cadre_id", UUID(as_uuid=True), nullable=True))
    op.add_column("objection", sa.Column("about_name", sa.String(length=50), nullable=True))
    op.execute(
        "UPDATE objection o SET about_cadre_id = o.cadre_id, about_name = m.name FROM cycle_member m "
        "WHERE m.cycle_id = o.cycle_id AND m.cadre_id = o.cadre_id"
    )
    op.execute("UPDATE objection SET about_cadre_id = cadre_id WHERE about_cadre_id IS NULL")
    op.alter_column("objection", "about_cadre_id", nullable=False)
    op.create_index("ix_cycle_member_grade", "cycle_member", ["cycle_id", "grade", "name", "cadre_id"])
    op.add_column("review_outcome", sa.Column("year", sa.Integer(), nullable=True))
    op.add_column("review_outcome", sa.Column("head_cadre_id", UUID(as_uuid=True), nullable=True))
    op.execute("UPDATE review_outcome o SET year = m.year FROM review_meeting m WHERE m.id = o.meeting_id")
    op.alter_column("review_outcome", "year", nullable=False)
    op.create_unique_constraint("uq_review_outcome_year_agency", "review_outcome", ["year", "agency_id"])
    op.create_index("ix_review_outcome_head", "review_outcome", ["head_cadre_id", "year"])
    op.create_index("ix_review_meeting_year", "review_meeting", ["year"])
    op.add_column("unit_name", sa.Column("head_cadre_id", UUID(as_uuid=True), nullable=True))


def downgrade() -> None:
    op.drop_column("unit_name", "head_cadre_id")
    op.drop_index("ix_review_meeting_year", table_name="review_meeting")
    op.drop_index("ix_review_outcome_head", table_name="review_outcome")
    op.drop_constraint("uq_review_outcome_year_agency", "review_outcome", type_="unique")
    op.drop_column("review_outcome", "head_cadre_id")
    op.drop_column("review_outcome", "year")
    op.drop_index("ix_cycle_member_grade", table_name="cycle_member")
    op.drop_column("objection", "about_name")
    op.drop_column("objection", "about_cadre_id")
