"""learning_heartbeat(): the hot path of a heartbeat on PostgreSQL in one call (services._heartbeat_pg).

It takes exactly the case services._heartbeat_python's hot path takes (an active session of a non-video
resource, the next sequence number, no question open or due, the same day, no gap, no cap reached) and applies
the same rule (services.claim_for); anything else it leaves untouched and answers 'general', and Python takes
the general way. tests/test_protocol.py runs the same heartbeats through both and compares the ledgers.
"""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION learning_heartbeat(p_token_hash text, p_seq integer, p_now timestamptz, p_day date)
RETURNS TABLE(outcome text, credited integer, session_seconds integer, room_seconds integer,
              today_room_seconds integer, end_reason text)
LANGUAGE plpgsql AS $$
DECLARE
  s learning_studysession%ROWTYPE;
  k text;
  elapsed double precision;
  claim integer;
  credit integer;
  extended integer := 0;
  interval_id bigint;
BEGIN
  SELECT * INTO s FROM learning_studysession WHERE token_hash = p_token_hash FOR UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'unknown'::text, 0, 0, 0, 0, ''::text; RETURN;
  END IF;
  IF s.ended_at IS NOT NULL THEN
    RETURN QUERY SELECT 'ended'::text, 0, s.credited_seconds, s.resource_room, s.day_room, s.end_reason::text;
    RETURN;
  END IF;
  elapsed := EXTRACT(EPOCH FROM (p_now - s.last_beat_at));
  IF s.check_deadline IS NOT NULL OR elapsed < 0 OR elapsed > s.idle_seconds THEN
    RETURN QUERY SELECT 'general'::text, 0, 0, 0, 0, ''::text; RETURN;
  END IF;
  IF p_seq = s.seq THEN
    RETURN QUERY SELECT 'duplicate'::text, 0, s.credited_seconds, s.resource_room, s.day_room, ''::text; RETURN;
  END IF;
  IF p_seq <> s.seq + 1 THEN
    RETURN QUERY SELECT 'out_of_order'::text, 0, s.credited_seconds, s.resource_room, s.day_room, ''::text;
    RETURN;
  END IF;
  SELECT kind INTO k FROM courses_resource WHERE id = s.resource_id;
  IF k = 'video' OR s.day <> p_day OR (s.next_check_at IS NOT NULL AND p_now >= s.next_check_at)
     OR (elapsed > s.beat_seconds + s.grace_seconds AND floor(elapsed) - s.beat_seconds > 0) THEN
    RETURN QUERY SELECT 'general'::text, 0, 0, 0, 0, ''::text; RETURN;
  END IF;
  -- services.claim_for: the interval when about one interval has passed, else the whole seconds elapsed;
  -- never more, over the session, than its wall-clock age.
  IF elapsed + s.grace_seconds >= s.beat_seconds THEN
    claim := s.beat_seconds;
  ELSE
    claim := floor(elapsed)::integer;
  END IF;
  claim := GREATEST(0, LEAST(claim, floor(EXTRACT(EPOCH FROM (p_now - s.started_at)))::integer - s.claimed_seconds));
  credit := LEAST(claim, s.resource_room, s.day_room);
  IF credit <> claim THEN
    RETURN QUERY SELECT 'general'::text, 0, 0, 0, 0, ''::text; RETURN;
  END IF;
  interval_id := s.open_interval_id;
  IF credit > 0 THEN
    IF s.open_interval_id IS NOT NULL THEN
      UPDATE learning_creditinterval SET ended_at = p_now, seconds = seconds + credit
      WHERE id = s.open_interval_id AND reason = 'credited' AND ended_at = s.last_beat_at AND day = s.day;
      GET DIAGNOSTICS extended = ROW_COUNT;
    END IF;
    IF extended = 0 THEN
      INSERT INTO learning_creditinterval
        (learner_id, project_id, resource_id, session_id, day, started_at, ended_at, seconds,
         uncredited_seconds, reason)
      VALUES (s.learner_id, s.project_id, s.resource_id, s.id, s.day, s.last_beat_at, p_now, credit, 0, 'credited')
      RETURNING id INTO interval_id;
    END IF;
  END IF;
  UPDATE learning_studysession
  SET seq = p_seq, last_beat_at = p_now, claimed_seconds = claimed_seconds + claim,
      credited_seconds = credited_seconds + credit, resource_room = resource_room - credit,
      day_room = day_room - credit, open_interval_id = interval_id
  WHERE id = s.id;
  RETURN QUERY SELECT 'credited'::text, credit, s.credited_seconds + credit, s.resource_room - credit,
                      s.day_room - credit, ''::text;
END $$;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)  # no placeholders: %ROWTYPE is PL/pgSQL


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS learning_heartbeat(text, integer, timestamptz, date);")


class Migration(migrations.Migration):
    dependencies = [("learning", "0002_totals_kept_by_the_database")]

    operations = [migrations.RunPython(forward, backward)]
