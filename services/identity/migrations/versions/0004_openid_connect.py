"""OpenID Connect: nonce and auth_time on codes, post-logout redirect URIs on clients

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('authorization_code', sa.Column('nonce', sa.String(length=255), nullable=True))
    op.add_column('authorization_code', sa.Column('auth_time', sa.DateTime(timezone=True), nullable=True))
    op.add_column('oauth_client', sa.Column('post_logout_redirect_uris', sa.ARRAY(sa.Text()),
                                            server_default='{}', nullable=False))


def downgrade() -> None:
    op.drop_column('oauth_client', 'post_logout_redirect_uris')
    op.drop_column('authorization_code', 'auth_time')
    op.drop_column('authorization_code', 'nonce')
