"""attachments: documents uploaded to human tasks

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachment",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "instance_id", sa.Integer(), sa.ForeignKey("process_instance.id"), nullable=False
        ),
        sa.Column("task_id", sa.String(36), sa.ForeignKey("human_task.id"), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(120), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_attachment_instance_id", "attachment", ["instance_id"])
    op.create_index("ix_attachment_task_id", "attachment", ["task_id"])


def downgrade() -> None:
    op.drop_table("attachment")
