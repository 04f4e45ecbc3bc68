"""the inbox (待办): items addressed to role bindings, opened and closed by feed events

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0001'
down_revision = None
branch_labels = None
# The kernel's tables (audit log, outbox, consumer cursors) come from servicekit's branch.
depends_on = 'k0001'


def upgrade() -> None:
    op.create_table(
        'inbox_item',
        sa.Column('id', postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('source', sa.String(length=40), nullable=False),
        sa.Column('source_id', sa.String(length=64), nullable=False),
        sa.Column('role', sa.String(length=40), nullable=False),
        sa.Column('scope_kind', sa.String(length=20), nullable=False),
        sa.Column('scope_id', sa.String(length=64), nullable=True),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('link', sa.String(length=300), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('opened_by', postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column('opened_txid', sa.BigInteger(), nullable=False),
        sa.Column('opened_seq', sa.BigInteger(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('closed_by', postgresql.UUID(as_uuid=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_inbox_item')),
        sa.UniqueConstraint(
            'opened_by', 'role', 'scope_kind', 'scope_id', name='uq_inbox_item_opening',
            postgresql_nulls_not_distinct=True,
        ),
    )
    op.create_index(
        'ix_inbox_item_open', 'inbox_item', ['role', 'scope_kind', 'scope_id', 'created_at', 'id'],
        postgresql_where=sa.text('done_at IS NULL'),
    )
    op.create_index('ix_inbox_item_recipient', 'inbox_item', ['role', 'scope_kind', 'scope_id', 'created_at', 'id'])
    op.create_index(
        'ix_inbox_item_source', 'inbox_item', ['source', 'source_id'], postgresql_where=sa.text('done_at IS NULL')
    )


def downgrade() -> None:
    op.drop_table('inbox_item')
