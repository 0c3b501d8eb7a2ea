"""notification paging: an inbox is read newest first, one page at a time, by the key
(recipient, created_at, id); the same index serves its unread count

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_notification_inbox", "notification", ["recipient", "created_at", "id"])
    op.drop_index("ix_notification_recipient", table_name="notification")


def downgrade() -> None:
    op.create_index("ix_notification_recipient", "notification", ["recipient", "read_at"])
    op.drop_index("ix_notification_inbox", table_name="notification")
