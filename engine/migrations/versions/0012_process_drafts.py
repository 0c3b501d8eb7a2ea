"""process drafts: designers' unfinished BPMN, and the change note of a deployment

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "process_draft",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("process_key", sa.String(255), nullable=False),
        sa.Column("designer", sa.String(120), nullable=False),
        sa.Column("xml", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("process_key", "designer"),
    )
    with op.batch_alter_table("deployment") as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deployment") as batch:
        batch.drop_column("note")
    op.drop_table("process_draft")
