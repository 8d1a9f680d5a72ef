CREATE TABLE "ingest_rejections" (
	"reason" text PRIMARY KEY NOT NULL,
	"total" bigint DEFAULT 0 NOT NULL
);
