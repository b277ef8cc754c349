"""The daily totals (StudyTotal) are kept by the database from the ledger (CreditInterval): a trigger adds
every change of a ledger row's credited seconds to its learner/resource/day total, so the two cannot
disagree whatever writes the ledger. On PostgreSQL the totals also refuse any write that does not come from
that trigger."""

from django.db import migrations

PG = [
    """
    CREATE OR REPLACE FUNCTION learning_total_apply() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND NEW.learner_id = OLD.learner_id AND NEW.resource_id = OLD.resource_id
         AND NEW.day = OLD.day THEN
        IF NEW.seconds <> OLD.seconds THEN
          UPDATE learning_studytotal SET seconds = seconds + (NEW.seconds - OLD.seconds)
          WHERE learner_id = NEW.learner_id AND resource_id = NEW.resource_id AND day = NEW.day;
          IF NOT FOUND THEN  -- the row had credited nothing before, so its total was never written
            INSERT INTO learning_studytotal (learner_id, project_id, resource_id, day, seconds)
            VALUES (NEW.learner_id, NEW.project_id, NEW.resource_id, NEW.day, NEW.seconds);
          END IF;
        END IF;
        RETURN NULL;
      END IF;
      IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.seconds <> 0 THEN
        UPDATE learning_studytotal SET seconds = seconds - OLD.seconds
        WHERE learner_id = OLD.learner_id AND resource_id = OLD.resource_id AND day = OLD.day;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.seconds <> 0 THEN
        INSERT INTO learning_studytotal (learner_id, project_id, resource_id, day, seconds)
        VALUES (NEW.learner_id, NEW.project_id, NEW.resource_id, NEW.day, NEW.seconds)
        ON CONFLICT (learner_id, resource_id, day)
        DO UPDATE SET seconds = learning_studytotal.seconds + EXCLUDED.seconds;
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER learning_total_sync
    AFTER INSERT OR DELETE OR UPDATE OF seconds, learner_id, resource_id, day ON learning_creditinterval
    FOR EACH ROW EXECUTE FUNCTION learning_total_apply();
    """,
    """
    CREATE OR REPLACE FUNCTION learning_total_guard() RETURNS trigger AS $$
    BEGIN
      IF pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'learning_studytotal is kept from the ledger (learning_creditinterval) only';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER learning_total_guard BEFORE INSERT OR UPDATE ON learning_studytotal
    FOR EACH ROW EXECUTE FUNCTION learning_total_guard();
    """,
]
PG_REVERSE = [
    "DROP TRIGGER IF EXISTS learning_total_guard ON learning_studytotal;",
    "DROP FUNCTION IF EXISTS learning_total_guard();",
    "DROP TRIGGER IF EXISTS learning_total_sync ON learning_creditinterval;",
    "DROP FUNCTION IF EXISTS learning_total_apply();",
]

_ADD = """
  INSERT OR IGNORE INTO learning_studytotal (learner_id, project_id, resource_id, day, seconds)
  VALUES (NEW.learner_id, NEW.project_id, NEW.resource_id, NEW.day, 0);
  UPDATE learning_studytotal SET seconds = seconds + NEW.seconds
  WHERE learner_id = NEW.learner_id AND resource_id = NEW.resource_id AND day = NEW.day;
"""
_SUBTRACT = """
  UPDATE learning_studytotal SET seconds = seconds - OLD.seconds
  WHERE learner_id = OLD.learner_id AND resource_id = OLD.resource_id AND day = OLD.day;
"""
SQLITE = [
    f"CREATE TRIGGER learning_total_ins AFTER INSERT ON learning_creditinterval WHEN NEW.seconds <> 0 BEGIN {_ADD} END;",
    "CREATE TRIGGER learning_total_upd AFTER UPDATE OF seconds, learner_id, resource_id, day "
    f"ON learning_creditinterval BEGIN {_SUBTRACT} {_ADD} END;",
    f"CREATE TRIGGER learning_total_del AFTER DELETE ON learning_creditinterval BEGIN {_SUBTRACT} END;",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS learning_total_ins;",
    "DROP TRIGGER IF EXISTS learning_total_upd;",
    "DROP TRIGGER IF EXISTS learning_total_del;",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            raise NotImplementedError(f"study totals need a trigger written for {vendor}")
        for sql in statements[vendor]:
            schema_editor.execute(sql)

    return run


forward = _run({"postgresql": PG, "sqlite": SQLITE})
backward = _run({"postgresql": PG_REVERSE, "sqlite": SQLITE_REVERSE})


class Migration(migrations.Migration):
    dependencies = [("learning", "0001_study_time_ledger")]

    operations = [migrations.RunPython(forward, backward)]
