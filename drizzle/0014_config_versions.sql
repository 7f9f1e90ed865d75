CREATE TABLE "config_versions" (
	"topic" text PRIMARY KEY NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
INSERT INTO "config_versions" ("topic") VALUES ('tiers'), ('accounts'), ('catalogue'), ('prices');
--> statement-breakpoint
-- Any change to a configuration table raises its topic's version, in the same transaction as the change.
CREATE OR REPLACE FUNCTION llmaas_config_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO config_versions (topic, version, changed_at) VALUES (TG_ARGV[0], 1, now())
    ON CONFLICT (topic) DO UPDATE SET version = config_versions.version + 1, changed_at = now();
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER tiers_config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tiers FOR EACH STATEMENT EXECUTE FUNCTION llmaas_config_changed('tiers');
--> statement-breakpoint
CREATE TRIGGER accounts_config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON accounts FOR EACH STATEMENT EXECUTE FUNCTION llmaas_config_changed('accounts');
--> statement-breakpoint
CREATE TRIGGER models_config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON models FOR EACH STATEMENT EXECUTE FUNCTION llmaas_config_changed('catalogue');
--> statement-breakpoint
CREATE TRIGGER backends_config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON backends FOR EACH STATEMENT EXECUTE FUNCTION llmaas_config_changed('catalogue');
--> statement-breakpoint
CREATE TRIGGER model_backends_config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON model_backends FOR EACH STATEMENT EXECUTE FUNCTION llmaas_config_changed('catalogue');
--> statement-breakpoint
CREATE TRIGGER prices_config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON prices FOR EACH STATEMENT EXECUTE FUNCTION llmaas_config_changed('prices');
