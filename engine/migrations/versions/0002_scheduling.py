"""scheduling: started periods, task deadlines, notifications and the e-mail outbox

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "started_period",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("process_key", sa.String(255), nullable=False),
        sa.Column("period_start", _AT, nullable=False),
        sa.Column("period_index", sa.Integer(), nullable=False),
        sa.Column(
            "definition_id", sa.Integer(), sa.ForeignKey("process_definition.id"), nullable=False
        ),
        sa.Column("instance_id", sa.Integer(), sa.ForeignKey("process_instance.id")),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("is_late", sa.Boolean(), nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        sa.UniqueConstraint("process_key", "period_start"),
    )
    op.create_table(
        "deadline",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "instance_id", sa.Integer(), sa.ForeignKey("process_instance.id"), nullable=False
        ),
        sa.Column("task_id", sa.String(36), sa.ForeignKey("human_task.id"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(120), nullable=False),
        sa.Column("due_at", _AT, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        sa.Column("settled_at", _AT),
        sa.UniqueConstraint("task_id", "kind", "step"),
    )
    op.create_index("ix_deadline_instance_id", "deadline", ["instance_id"])
    op.create_index("ix_deadline_status_due", "deadline", ["status", "due_at"])
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("recipient", sa.String(120), nullable=False),
        sa.Column("recipient_kind", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("instance_id", sa.Integer(), sa.ForeignKey("process_instance.id")),
        sa.Column("task_id", sa.String(36)),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        sa.Column("read_at", _AT),
    )
    op.create_index("ix_notification_recipient", "notification", ["recipient", "read_at"])
    op.create_table(
        "outbox_email",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "notification_id", sa.Integer(), sa.ForeignKey("notification.id"), nullable=False
        ),
        sa.Column("to_address", sa.String(255), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        sa.Column("next_attempt_at", _AT, nullable=False),
        sa.Column("sent_at", _AT),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text()),
    )
    op.create_index("ix_outbox_email_pending", "outbox_email", ["sent_at", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("outbox_email")
    op.drop_table("notification")
    op.drop_table("deadline")
    op.drop_table("started_period")
