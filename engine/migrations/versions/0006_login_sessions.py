"""log-in sessions on the server, and log-in attempts that throttle password guessing

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_session",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(120), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_hash", sa.String(64), nullable=False),
        sa.Column("address", sa.String(64)),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_login_attempt_user", "login_attempt", ["user_hash", "attempted_at"])
    op.create_index("ix_login_attempt_address", "login_attempt", ["address", "attempted_at"])


def downgrade() -> None:
    op.drop_table("login_attempt")
    op.drop_table("login_session")
