"""The kernel's tables (``audit_log``, ``outbox_event``, ``consumer_cursor``) as an Alembic branch
(label ``kernel``) of its own: every service's migration environment includes this directory in
its version locations and its first revision depends on ``k0001``, so the tables are defined once
and a change to them is one new revision here, applied to every service by ``upgrade heads``."""
