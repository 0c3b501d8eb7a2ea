"""thrown events: a message or signal in the outbox may come from outside any instance

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as table:
        table.alter_column("instance_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM outbox WHERE instance_id IS NULL")
    with op.batch_alter_table("outbox") as table:
        table.alter_column("instance_id", existing_type=sa.Integer(), nullable=False)
