"""announce the accounts and role bindings that existed before the notifications service did

``user.contact`` and ``role.granted`` are published with each change since migration 0006; an
installation upgraded from before then holds accounts nobody announced. This publishes each once,
in the migration's transaction (the consumer upserts them: a repeat changes nothing). A fresh
database has no rows here yet; its seed announces as it creates.

Revision ID: 0008
Revises: 0007
"""
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        INSERT INTO outbox_event (event_id, type, aggregate_type, aggregate_id, payload)
        SELECT gen_random_uuid(), 'user.contact', 'User', u.id::text,
               jsonb_build_object('user_id', u.id::text, 'email', u.email,
                                  'dingtalk_user_id', u.dingtalk_user_id, 'wecom_user_id', u.wecom_user_id,
                                  'active', u.active)
          FROM user_account u ORDER BY u.id
        """
    )
    op.execute(
        """
        INSERT INTO outbox_event (event_id, type, aggregate_type, aggregate_id, payload)
        SELECT gen_random_uuid(), 'role.granted', 'RoleBinding', b.id::text,
               jsonb_build_object('binding_id', b.id::text, 'user_id', b.user_id::text, 'role', b.role,
                                  'scope_kind', b.scope_kind, 'scope_id', b.scope_id)
          FROM role_binding b ORDER BY b.id
        """
    )


def downgrade() -> None:
    pass  # events once published stay published (consumers have them)
