"""outbox: calls of service tasks to connectors, sent after the command commits

Revision ID: 0007
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column(
            "instance_id", sa.Integer(), sa.ForeignKey("process_instance.id"), nullable=False
        ),
        sa.Column("task_id", sa.String(36), nullable=False, unique=True),
        sa.Column("element_id", sa.String(255), nullable=False),
        sa.Column("target", sa.String(255), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _AT, nullable=False),
        sa.Column("last_error", sa.Text()),
        sa.Column("created_at", _AT, nullable=False),
        sa.Column("settled_at", _AT),
    )
    op.create_index("ix_outbox_instance_id", "outbox", ["instance_id"])
    op.create_index("ix_outbox_status_next", "outbox", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("outbox")
