"""area types derived from the map: each claim component says where its area type comes from,
and the overlap figures are kept with the claim

Revision ID: a16b2c3d4e5f
Revises: e17a1b2c3d4e
Create Date: 2026-12-21 10:00:00

Issue 16, second slice. `claim_parcels.area_check` says whether a component's area type was
derived from the parcel's outline and the map layers in force on the day of discovery (`map`)
or is the farmer's (`no_outline`, `no_layers`); components saved before this release were never
checked on the map (`not_checked`). `claim_parcel_areas` keeps the overlap of each such parcel
with each area type (hectares, the layer and its version, the part's outline in RD New).
"""

from alembic import op
import sqlalchemy as sa



revision = "a16b2c3d4e5f"
down_revision = 'e17a1b2c3d4e'
branch_labels = None
depends_on = None

_AREA_TYPES = ("regular", "rustgebied", "foerageergebied", "buffer", "natura2000")


def upgrade():
    with op.batch_alter_table("claim_parcels", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "area_check",
                sa.Enum(
                    "map",
                    "no_outline",
                    "no_layers",
                    "not_checked",
                    name="area_check",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                server_default="not_checked",
                nullable=False,
            )
        )

    op.create_table(
        "claim_parcel_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("parcel_id", sa.Integer(), nullable=False),
        sa.Column(
            "area_type",
            sa.Enum(
                *_AREA_TYPES,
                name="area_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("area_ha", sa.Numeric(precision=10, scale=4), nullable=False),
        sa.Column("outline_area_ha", sa.Numeric(precision=10, scale=4), nullable=False),
        sa.Column("layer_id", sa.Integer(), nullable=True),
        sa.Column("layer_valid_from", sa.Date(), nullable=True),
        sa.Column("geometry", sa.JSON(), nullable=False),
        sa.CheckConstraint("area_ha > 0", name=op.f("ck_claim_parcel_areas_area_ha_positive")),
        sa.CheckConstraint(
            "outline_area_ha > 0", name=op.f("ck_claim_parcel_areas_outline_area_ha_positive")
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
            name=op.f("fk_claim_parcel_areas_claim_id_claims"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["layer_id"], ["map_layers.id"], name=op.f("fk_claim_parcel_areas_layer_id_map_layers")
        ),
        sa.ForeignKeyConstraint(
            ["parcel_id"], ["parcels.id"], name=op.f("fk_claim_parcel_areas_parcel_id_parcels")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_parcel_areas")),
        sa.UniqueConstraint(
            "claim_id",
            "parcel_id",
            "area_type",
            name=op.f("uq_claim_parcel_areas_claim_id_parcel_id_area_type"),
        ),
    )
    with op.batch_alter_table("claim_parcel_areas", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_claim_parcel_areas_claim_id"), ["claim_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("claim_parcel_areas", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_parcel_areas_claim_id"))
    op.drop_table("claim_parcel_areas")
    with op.batch_alter_table("claim_parcels", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_claim_parcels_area_check"), type_="check")
        batch_op.drop_column("area_check")
