CREATE TABLE "oncall_schedules" (
	"name" text PRIMARY KEY NOT NULL,
	"time_zone" text NOT NULL,
	"layers" jsonb NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "oncall_users" (
	"name" text PRIMARY KEY NOT NULL,
	"contacts" jsonb NOT NULL,
	"rules" jsonb NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
