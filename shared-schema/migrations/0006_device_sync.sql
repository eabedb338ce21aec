CREATE TABLE "device_sync_state" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"node" text NOT NULL,
	"clock_millis" bigint DEFAULT 0 NOT NULL,
	"clock_counter" integer DEFAULT 0 NOT NULL,
	"device_id" uuid,
	"cursor" bigint DEFAULT 0 NOT NULL,
	"last_batch_seq" bigint DEFAULT 0 NOT NULL,
	"pending_batch" jsonb,
	"account" jsonb,
	CONSTRAINT "device_sync_state_one_row" CHECK ("device_sync_state"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "sync_outbox" (
	"kind" text NOT NULL,
	"key" jsonb NOT NULL,
	"hlc" text NOT NULL,
	CONSTRAINT "sync_outbox_kind_key_pk" PRIMARY KEY("kind","key")
);
--> statement-breakpoint
CREATE INDEX "sync_outbox_hlc_idx" ON "sync_outbox" USING btree ("hlc");--> statement-breakpoint
-- The app's change tracking (the server never turns it on): every insert, update and delete of a synced row is
-- stamped by this installation's hybrid logical clock and recorded in sync_outbox in the same transaction.
-- Off unless the session says `SET heimdex.outbox = 'on'` (the app does at open); off inside a transaction that
-- applies pulled changes (`SET LOCAL heimdex.applying = 'on'`), which keep the stamps they came with.
-- The stamp's text form is the one of shared-schema/src/sync/hlc.ts (string order = last-writer-wins order).
CREATE OR REPLACE FUNCTION heimdex_hlc_next() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  state device_sync_state%ROWTYPE;
  wall bigint := floor(extract(epoch FROM clock_timestamp()) * 1000);
  millis bigint;
  counter integer;
BEGIN
  -- Created at the first change, never by the migration: a prebuilt empty library must not give every
  -- installation the same node id.
  INSERT INTO device_sync_state (id, node) VALUES (1, gen_random_uuid()::text) ON CONFLICT (id) DO NOTHING;
  SELECT * INTO state FROM device_sync_state WHERE id = 1 FOR UPDATE;
  millis := greatest(state.clock_millis, wall);
  counter := CASE WHEN millis = state.clock_millis THEN state.clock_counter + 1 ELSE 0 END;
  IF counter > 65535 THEN -- 65536 changes in one millisecond: borrow the next one
    millis := millis + 1;
    counter := 0;
  END IF;
  UPDATE device_sync_state SET clock_millis = millis, clock_counter = counter WHERE id = 1;
  RETURN to_char(timestamp 'epoch' + millis * interval '1 millisecond', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
    || '-' || lpad(to_hex(counter), 4, '0') || '-' || state.node;
END $$;
--> statement-breakpoint
-- Trigger arguments: the change type, then one `field=column` per key column (the protocol's key field names).
CREATE OR REPLACE FUNCTION heimdex_record_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  row_json jsonb;
  change_key jsonb := '{}'::jsonb;
  stamp text;
  i integer;
  -- What an update may change without being a change to sync: bookkeeping, and blob bytes (their sha256 is synced).
  unsynced text[] := ARRAY['updated_at', 'hlc', 'server_seq', 'search_tsv', 'thumbnail', 'crop'];
BEGIN
  IF current_setting('heimdex.applying', true) = 'on' THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  IF TG_OP = 'DELETE' THEN
    row_json := to_jsonb(OLD);
  ELSE
    -- Nested: a field is only looked up on the tables that have it.
    IF TG_TABLE_NAME = 'scenes' THEN
      IF TG_OP = 'INSERT' OR NEW.thumbnail IS DISTINCT FROM OLD.thumbnail THEN
        NEW.thumbnail_sha256 := CASE WHEN NEW.thumbnail IS NULL THEN NULL ELSE encode(sha256(NEW.thumbnail), 'hex') END;
      END IF;
    ELSIF TG_TABLE_NAME = 'faces' THEN
      IF TG_OP = 'INSERT' OR NEW.crop IS DISTINCT FROM OLD.crop THEN
        NEW.crop_sha256 := CASE WHEN NEW.crop IS NULL THEN NULL ELSE encode(sha256(NEW.crop), 'hex') END;
      END IF;
    END IF;
    row_json := to_jsonb(NEW);
    IF TG_OP = 'UPDATE' AND (row_json - unsynced) = (to_jsonb(OLD) - unsynced) THEN
      RETURN NEW;
    END IF;
  END IF;
  FOR i IN 1 .. TG_NARGS - 1 LOOP
    change_key := change_key || jsonb_build_object(split_part(TG_ARGV[i], '=', 1), row_json ->> split_part(TG_ARGV[i], '=', 2));
  END LOOP;
  stamp := heimdex_hlc_next();
  INSERT INTO sync_outbox (kind, key, hlc) VALUES (TG_ARGV[0], change_key, stamp)
    ON CONFLICT (kind, key) DO UPDATE SET hlc = excluded.hlc;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  NEW.hlc := stamp;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER videos_sync BEFORE INSERT OR UPDATE OR DELETE ON videos FOR EACH ROW
  WHEN (current_setting('heimdex.outbox', true) = 'on') EXECUTE FUNCTION heimdex_record_change('video', 'videoId=video_id');
--> statement-breakpoint
CREATE TRIGGER face_profiles_sync BEFORE INSERT OR UPDATE OR DELETE ON face_profiles FOR EACH ROW
  WHEN (current_setting('heimdex.outbox', true) = 'on') EXECUTE FUNCTION heimdex_record_change('person', 'personId=person_id');
--> statement-breakpoint
CREATE TRIGGER scenes_sync BEFORE INSERT OR UPDATE OR DELETE ON scenes FOR EACH ROW
  WHEN (current_setting('heimdex.outbox', true) = 'on') EXECUTE FUNCTION heimdex_record_change('scene', 'sceneId=scene_id');
--> statement-breakpoint
CREATE TRIGGER transcript_segments_sync BEFORE INSERT OR UPDATE OR DELETE ON transcript_segments FOR EACH ROW
  WHEN (current_setting('heimdex.outbox', true) = 'on') EXECUTE FUNCTION heimdex_record_change('segment', 'segmentId=segment_id');
--> statement-breakpoint
CREATE TRIGGER faces_sync BEFORE INSERT OR UPDATE OR DELETE ON faces FOR EACH ROW
  WHEN (current_setting('heimdex.outbox', true) = 'on') EXECUTE FUNCTION heimdex_record_change('face', 'faceId=face_id');
--> statement-breakpoint
CREATE TRIGGER scene_people_sync BEFORE INSERT OR UPDATE OR DELETE ON scene_people FOR EACH ROW
  WHEN (current_setting('heimdex.outbox', true) = 'on') EXECUTE FUNCTION heimdex_record_change('scenePerson', 'sceneId=scene_id', 'personId=person_id');
--> statement-breakpoint
CREATE TRIGGER person_never_merge_sync BEFORE INSERT OR UPDATE OR DELETE ON person_never_merge FOR EACH ROW
  WHEN (current_setting('heimdex.outbox', true) = 'on') EXECUTE FUNCTION heimdex_record_change('neverMerge', 'personA=person_a', 'personB=person_b');
