"""batch totals follow their items per statement, by the change, not by a re-sum per item

Revision ID: d4e5f6a7b8c9
Revises: e5f6a7b8c9d0
Create Date: 2026-12-02 06:00:00

Revision 993275a3fc02 kept payment_batches.total equal to the sum of its items with a row-level
trigger that re-summed the whole batch for every item written: building a batch of n items read
n²/2 items and updated the batch row n times, so a batch (and `flask demo seed`) was quadratic
in its size.

PostgreSQL: three statement-level triggers with transition tables (one per event; PostgreSQL
allows transition tables only on single-event triggers without column lists) add each batch's
change once per statement: an INSERT or COPY of any number of items updates each batch it
touches once. The row-level check on payment_batches stays as it was: every change of a total,
the triggers' own included, must equal the sum of the items, so a direct edit of a total, or of
an item that the triggers would not follow, is still refused.

SQLite has only row-level triggers: they now add NEW.amount and take off OLD.amount instead of
re-summing, and its check triggers stay as they were.
"""
from alembic import op


revision = 'd4e5f6a7b8c9'
down_revision = 'e5f6a7b8c9d0'
branch_labels = None
depends_on = None

POSTGRES_FOLLOW = """
CREATE OR REPLACE FUNCTION payment_batch_total_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Each batch's change over the whole statement, applied once; the check trigger on
  -- payment_batches then compares the new total with the sum of the items.
  IF TG_OP = 'INSERT' THEN
    UPDATE payment_batches b SET total = b.total + d.change
    FROM (SELECT batch_id, SUM(amount) AS change FROM new_items GROUP BY batch_id) d
    WHERE b.id = d.batch_id;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE payment_batches b SET total = b.total - d.change
    FROM (SELECT batch_id, SUM(amount) AS change FROM old_items GROUP BY batch_id) d
    WHERE b.id = d.batch_id;
  ELSE
    UPDATE payment_batches b SET total = b.total + d.change
    FROM (
      SELECT batch_id, SUM(change) AS change FROM (
        SELECT batch_id, amount AS change FROM new_items
        UNION ALL
        SELECT batch_id, -amount FROM old_items
      ) moved GROUP BY batch_id
    ) d
    WHERE b.id = d.batch_id AND d.change <> 0;
  END IF;
  RETURN NULL;
END $$
"""
POSTGRES_TRIGGERS = [
    "DROP TRIGGER IF EXISTS payment_batch_items_total_follow ON payment_batch_items",
    POSTGRES_FOLLOW,
    """
    CREATE TRIGGER payment_batch_items_total_insert AFTER INSERT ON payment_batch_items
    REFERENCING NEW TABLE AS new_items
    FOR EACH STATEMENT EXECUTE FUNCTION payment_batch_total_follow()
    """,
    """
    CREATE TRIGGER payment_batch_items_total_update AFTER UPDATE ON payment_batch_items
    REFERENCING OLD TABLE AS old_items NEW TABLE AS new_items
    FOR EACH STATEMENT EXECUTE FUNCTION payment_batch_total_follow()
    """,
    """
    CREATE TRIGGER payment_batch_items_total_delete AFTER DELETE ON payment_batch_items
    REFERENCING OLD TABLE AS old_items
    FOR EACH STATEMENT EXECUTE FUNCTION payment_batch_total_follow()
    """,
]

# Revision 993275a3fc02's row-level trigger, for the downgrade.
POSTGRES_ROW_FOLLOW = """
CREATE OR REPLACE FUNCTION payment_batch_total_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    UPDATE payment_batches SET total = (
      SELECT COALESCE(SUM(amount), 0) FROM payment_batch_items WHERE batch_id = OLD.batch_id
    ) WHERE id = OLD.batch_id;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    UPDATE payment_batches SET total = (
      SELECT COALESCE(SUM(amount), 0) FROM payment_batch_items WHERE batch_id = NEW.batch_id
    ) WHERE id = NEW.batch_id;
  END IF;
  RETURN NULL;
END $$
"""
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS payment_batch_items_total_insert ON payment_batch_items",
    "DROP TRIGGER IF EXISTS payment_batch_items_total_update ON payment_batch_items",
    "DROP TRIGGER IF EXISTS payment_batch_items_total_delete ON payment_batch_items",
    POSTGRES_ROW_FOLLOW,
    """
    CREATE TRIGGER payment_batch_items_total_follow
    AFTER INSERT OR DELETE OR UPDATE OF amount, batch_id ON payment_batch_items
    FOR EACH ROW EXECUTE FUNCTION payment_batch_total_follow()
    """,
]

# SQLite keeps Numeric as REAL: totals are rounded to cents, as its check triggers compare them.
_SQLITE_ADD = "UPDATE payment_batches SET total = ROUND(total + ({amount}), 2) WHERE id = {batch};"
_SQLITE_OLD_BATCH = _SQLITE_ADD.format(
    amount="-OLD.amount + CASE WHEN NEW.batch_id = OLD.batch_id THEN NEW.amount ELSE 0 END",
    batch="OLD.batch_id",
)
SQLITE_TRIGGERS = [
    "DROP TRIGGER IF EXISTS payment_batch_items_total_insert",
    "DROP TRIGGER IF EXISTS payment_batch_items_total_delete",
    "DROP TRIGGER IF EXISTS payment_batch_items_total_update",
    f"""
    CREATE TRIGGER payment_batch_items_total_insert AFTER INSERT ON payment_batch_items
    BEGIN {_SQLITE_ADD.format(amount="NEW.amount", batch="NEW.batch_id")} END
    """,
    f"""
    CREATE TRIGGER payment_batch_items_total_delete AFTER DELETE ON payment_batch_items
    BEGIN {_SQLITE_ADD.format(amount="-OLD.amount", batch="OLD.batch_id")} END
    """,
    # Within one batch a single update (two would be checked half done); moved to another
    # batch, the old one loses the item and the new one gains it, each consistent on its own.
    f"""
    CREATE TRIGGER payment_batch_items_total_update
    AFTER UPDATE OF amount, batch_id ON payment_batch_items
    BEGIN
      {_SQLITE_OLD_BATCH}
      UPDATE payment_batches SET total = ROUND(total + NEW.amount, 2)
      WHERE id = NEW.batch_id AND NEW.batch_id <> OLD.batch_id;
    END
    """,
]

# Revision 993275a3fc02's re-summing triggers, for the downgrade.
_SQLITE_SUM = "SELECT ROUND(COALESCE(SUM(amount), 0), 2) FROM payment_batch_items WHERE batch_id = {}"
_SQLITE_FOLLOW = "UPDATE payment_batches SET total = ({}) WHERE id = {};"
SQLITE_DOWN = [
    *SQLITE_TRIGGERS[:3],
    f"""
    CREATE TRIGGER payment_batch_items_total_insert AFTER INSERT ON payment_batch_items
    BEGIN {_SQLITE_FOLLOW.format(_SQLITE_SUM.format("NEW.batch_id"), "NEW.batch_id")} END
    """,
    f"""
    CREATE TRIGGER payment_batch_items_total_delete AFTER DELETE ON payment_batch_items
    BEGIN {_SQLITE_FOLLOW.format(_SQLITE_SUM.format("OLD.batch_id"), "OLD.batch_id")} END
    """,
    f"""
    CREATE TRIGGER payment_batch_items_total_update
    AFTER UPDATE OF amount, batch_id ON payment_batch_items
    BEGIN
      {_SQLITE_FOLLOW.format(_SQLITE_SUM.format("OLD.batch_id"), "OLD.batch_id")}
      {_SQLITE_FOLLOW.format(_SQLITE_SUM.format("NEW.batch_id"), "NEW.batch_id")}
    END
    """,
]


def _statements(postgres: list[str], sqlite: list[str]) -> list[str]:
    dialect = op.get_bind().dialect.name
    return {"postgresql": postgres, "sqlite": sqlite}.get(dialect, [])


def upgrade():
    for statement in _statements(POSTGRES_TRIGGERS, SQLITE_TRIGGERS):
        op.execute(statement)


def downgrade():
    for statement in _statements(POSTGRES_DOWN, SQLITE_DOWN):
        op.execute(statement)
