"""indexes for the roster filters (status, professional line, enforcement, tenure) and the
adjustment filters (cadre, year)

Revision ID: 0012
Revises: 0011
"""
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_cadre_status_name', 'cadre', ['status', 'name', 'id'])
    op.create_index('ix_cadre_line_name', 'cadre', ['professional_line', 'name', 'id'])
    op.create_index('ix_cadre_enforcement_name', 'cadre', ['is_enforcement', 'name', 'id'])
    op.create_index('ix_cadre_posted_on', 'cadre', ['posted_on'])
    op.create_index('ix_adjustment_cadre', 'adjustment', ['cadre_id', 'requested_at'])
    op.create_index('ix_adjustment_requested', 'adjustment', ['requested_at', 'id'])


def downgrade() -> None:
    op.drop_index('ix_adjustment_requested', table_name='adjustment')
    op.drop_index('ix_adjustment_cadre', table_name='adjustment')
    for name in ('ix_cadre_posted_on', 'ix_cadre_enforcement_name', 'ix_cadre_line_name', 'ix_cadre_status_name'):
        op.drop_index(name, table_name='cadre')
