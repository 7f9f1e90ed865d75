ALTER TABLE "users" ADD COLUMN "session_version" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
-- Whatever changes who a user is or what they may do ends their open console sessions.
CREATE OR REPLACE FUNCTION users_end_sessions_on_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.password_hash IS DISTINCT FROM OLD.password_hash
    OR NEW.role IS DISTINCT FROM OLD.role
    OR NEW.superadmin IS DISTINCT FROM OLD.superadmin
    OR NEW.account_id IS DISTINCT FROM OLD.account_id
    OR NEW.email IS DISTINCT FROM OLD.email
    OR NEW.disabled_at IS DISTINCT FROM OLD.disabled_at THEN
    NEW.session_version := OLD.session_version + 1;
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER users_end_sessions_on_change BEFORE UPDATE ON users
  FOR EACH ROW EXECUTE FUNCTION users_end_sessions_on_change();
