CREATE TABLE "alert_events" (
	"id" serial PRIMARY KEY NOT NULL,
	"alert_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"type" text NOT NULL,
	"actor" text NOT NULL,
	"value" double precision,
	"comment" text
);
--> statement-breakpoint
CREATE TABLE "alert_states" (
	"rule" text NOT NULL,
	"series_key" text NOT NULL,
	"labels" jsonb NOT NULL,
	"status" text NOT NULL,
	"pending_since" timestamp with time zone,
	"episode_id" text,
	"fired_at" timestamp with time zone,
	"last_resolved_at" timestamp with time zone,
	"clear_since" timestamp with time zone,
	"last_notified_at" timestamp with time zone,
	"notified_state" text NOT NULL,
	"repeats" integer DEFAULT 0 NOT NULL,
	"notify_seq" integer DEFAULT 0 NOT NULL,
	"last_value" double precision,
	"version" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_states_rule_series_key_pk" PRIMARY KEY("rule","series_key")
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" text PRIMARY KEY NOT NULL,
	"rule" text NOT NULL,
	"series_key" text NOT NULL,
	"metric" text NOT NULL,
	"labels" jsonb NOT NULL,
	"severity" text NOT NULL,
	"status" text NOT NULL,
	"operator" text NOT NULL,
	"threshold" double precision NOT NULL,
	"value" double precision,
	"peak_value" double precision,
	"summary" text NOT NULL,
	"description" text,
	"runbook_url" text,
	"started_at" timestamp with time zone NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" text,
	"resolved_at" timestamp with time zone,
	"resolved_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"id" serial PRIMARY KEY NOT NULL,
	"notification_id" text NOT NULL,
	"alert_id" text NOT NULL,
	"channel" text NOT NULL,
	"attempt" integer NOT NULL,
	"outcome" text NOT NULL,
	"error" text,
	"duration_ms" double precision NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" text PRIMARY KEY NOT NULL,
	"alert_id" text NOT NULL,
	"channel" text NOT NULL,
	"reason" text NOT NULL,
	"payload" jsonb NOT NULL,
	"state" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"enqueued_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text
);
--> statement-breakpoint
ALTER TABLE "alert_events" ADD CONSTRAINT "alert_events_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_events_alert_idx" ON "alert_events" USING btree ("alert_id","at");--> statement-breakpoint
CREATE INDEX "alerts_status_idx" ON "alerts" USING btree ("status","started_at");--> statement-breakpoint
CREATE INDEX "alerts_rule_idx" ON "alerts" USING btree ("rule","started_at");--> statement-breakpoint
CREATE INDEX "deliveries_notification_idx" ON "deliveries" USING btree ("notification_id");--> statement-breakpoint
CREATE INDEX "deliveries_alert_idx" ON "deliveries" USING btree ("alert_id","at");--> statement-breakpoint
CREATE INDEX "notifications_state_idx" ON "notifications" USING btree ("state","created_at");--> statement-breakpoint
CREATE INDEX "notifications_alert_idx" ON "notifications" USING btree ("alert_id");