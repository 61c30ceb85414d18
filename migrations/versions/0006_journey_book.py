"""The journey book: answers to supporters' contributions; erasure of a closed account

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 02:40:00
"""

import sqlalchemy as sa
from alembic import op

import app.models.base

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("journey_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("young_person_note", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("answered_at", app.models.base.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("young_people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", app.models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("young_people", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
    with op.batch_alter_table("journey_entries", schema=None) as batch_op:
        batch_op.drop_column("answered_at")
        batch_op.drop_column("young_person_note")
