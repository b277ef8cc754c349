"""learning_heartbeat() takes a gap too: a heartbeat that comes later than the interval and grace (the
learner was away, or the server slow to answer) but before the session ends records the gap as idle and
credits the interval, in the same call, as services._heartbeat_general does. Before, such heartbeats went
the general way (the ORM, several round trips): when answers slowed down under load, more heartbeats came
late, took the slower way and slowed answers further (bench/heartbeats.py, docs/benchmarks.md).
tests/test_protocol.py compares both ways on the same heartbeats, gaps among them.
"""

import importlib

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
  idle integer := 0;
  start_at timestamptz;
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
  IF k = 'video' OR s.day <> p_day OR (s.next_check_at IS NOT NULL AND p_now >= s.next_check_at) THEN
    RETURN QUERY SELECT 'general'::text, 0, 0, 0, 0, ''::text; RETURN;
  END IF;
  -- A gap longer than the interval and grace (but short of ending the session): the learner was away.
  IF elapsed > s.beat_seconds + s.grace_seconds THEN
    idle := GREATEST(0, floor(elapsed)::integer - s.beat_seconds);
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
  start_at := s.last_beat_at;
  IF idle > 0 THEN  -- the gap first, as a row of its own; the credited time follows it
    INSERT INTO learning_creditinterval
      (learner_id, project_id, resource_id, session_id, day, started_at, ended_at, seconds,
       uncredited_seconds, reason)
    VALUES (s.learner_id, s.project_id, s.resource_id, s.id, s.day, start_at,
            start_at + make_interval(secs => idle), 0, idle, 'idle');
    interval_id := NULL;
    start_at := start_at + make_interval(secs => idle);
  END IF;
  IF credit > 0 THEN
    IF interval_id IS NOT NULL THEN
      UPDATE learning_creditinterval SET ended_at = p_now, seconds = seconds + credit
      WHERE id = interval_id AND reason = 'credited' AND ended_at = start_at AND day = s.day;
      GET DIAGNOSTICS extended = ROW_COUNT;
    END IF;
    IF extended = 0 THEN
      INSERT INTO learning_creditinterval
        (learner_id, project_id, resource_id, session_id, day, started_at, ended_at, seconds,
         uncredited_seconds, reason)
      VALUES (s.learner_id, s.project_id, s.resource_id, s.id, s.day, start_at, p_now, credit, 0, 'credited')
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
        before = importlib.import_module("teachnet.learning.migrations.0003_heartbeat_function")
        schema_editor.execute(before.FUNCTION, params=None)


class Migration(migrations.Migration):
    dependencies = [("learning", "0003_heartbeat_function")]

    operations = [migrations.RunPython(forward, backward)]
