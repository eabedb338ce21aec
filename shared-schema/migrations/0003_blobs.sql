CREATE TABLE "blobs" (
	"user_id" uuid NOT NULL,
	"sha256" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"bytes" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "blobs_user_id_sha256_pk" PRIMARY KEY("user_id","sha256"),
	CONSTRAINT "blobs_sha256_hex" CHECK ("blobs"."sha256" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "blobs_content_type" CHECK ("blobs"."content_type" in ('image/jpeg', 'image/png', 'image/webp')),
	CONSTRAINT "blobs_size_matches" CHECK ("blobs"."size_bytes" = octet_length("blobs"."bytes"))
);
--> statement-breakpoint
ALTER TABLE "blobs" ADD CONSTRAINT "blobs_user_id_users_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("user_id") ON DELETE cascade ON UPDATE no action;