"""map layers as versioned data, a parcel's source, parcel files waiting for a choice

Revision ID: g16a0b1c2d3e4
Revises: b15e0b1ec710
Create Date: 2026-12-20 10:00:00

Issue 16, first slice. `map_layers` holds a province's foraging and rest areas, Natura 2000
sites and buffer zones with their validity and provenance; `parcel_imports` a farmer's parcel
file, read and checked, until the farmer picks parcels from it. A parcel keeps its source
(import, drawn, typed) and, when imported, the file and the feature it came from. Existing
parcels with an outline were drawn (or pasted), the others typed.
"""

from alembic import op
import sqlalchemy as sa

import faunaschade.models.base


revision = "g16a0b1c2d3e4"
down_revision = 'b15e0b1ec710'
branch_labels = None
depends_on = None

_PROVINCES = "'GR', 'FR', 'DR', 'OV', 'FL', 'GE', 'UT', 'NH', 'ZH', 'ZE', 'NB', 'LI'"


def upgrade():
    op.create_table(
        "map_layers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("province", sa.String(length=2), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "foerageergebied",
                "rustgebied",
                "natura2000",
                "buffer",
                name="layer_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("feature_count", sa.Integer(), nullable=False),
        sa.Column("geometry", sa.JSON(), nullable=False),
        sa.Column(
            "imported_at", faunaschade.models.base.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column("imported_by", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            f"province IN ({_PROVINCES})", name=op.f("ck_map_layers_province_is_province")
        ),
        sa.CheckConstraint(
            "valid_until IS NULL OR valid_until >= valid_from",
            name=op.f("ck_map_layers_validity_in_order"),
        ),
        sa.CheckConstraint("feature_count > 0", name=op.f("ck_map_layers_feature_count_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_map_layers")),
    )
    with op.batch_alter_table("map_layers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_map_layers_province_kind", ["province", "kind", "valid_from"], unique=False
        )

    op.create_table(
        "parcel_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=43), nullable=False),
        sa.Column("farmer_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("parcels", sa.JSON(), nullable=False),
        sa.Column("created_at", faunaschade.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column(
            "confirmed_at", faunaschade.models.base.UtcDateTime(timezone=True), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["farmer_id"],
            ["farmer_profiles.id"],
            name=op.f("fk_parcel_imports_farmer_id_farmer_profiles"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parcel_imports")),
        sa.UniqueConstraint("token", name=op.f("uq_parcel_imports_token")),
    )
    with op.batch_alter_table("parcel_imports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_parcel_imports_farmer_id"), ["farmer_id"], unique=False
        )

    # The CHECKs go with their columns: SQLite adds such columns in place, where a constraint
    # of its own would have the table rebuilt (refused while claim_parcels refers to it).
    op.add_column(
        "parcels",
        sa.Column(
            "source",
            sa.String(length=32),
            sa.CheckConstraint(
                "source IN ('import', 'drawn', 'typed')", name=op.f("ck_parcels_parcel_source")
            ),
            nullable=False,
            server_default="typed",
        ),
    )
    op.add_column("parcels", sa.Column("source_file", sa.String(length=200), nullable=True))
    op.add_column("parcels", sa.Column("source_feature", sa.String(length=100), nullable=True))
    # A geometry set to None is stored as JSON null by the ORM, not as SQL NULL.
    op.execute(
        "UPDATE parcels SET source = 'drawn' "
        "WHERE geometry IS NOT NULL AND CAST(geometry AS TEXT) <> 'null'"
    )


def downgrade():
    with op.batch_alter_table("parcels", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_parcels_parcel_source"), type_="check")
        batch_op.drop_column("source_feature")
        batch_op.drop_column("source_file")
        batch_op.drop_column("source")
    with op.batch_alter_table("parcel_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_parcel_imports_farmer_id"))
    op.drop_table("parcel_imports")
    with op.batch_alter_table("map_layers", schema=None) as batch_op:
        batch_op.drop_index("ix_map_layers_province_kind")
    op.drop_table("map_layers")
