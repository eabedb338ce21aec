CREATE TABLE "person_never_merge" (
	"user_id" uuid NOT NULL,
	"person_a" uuid NOT NULL,
	"person_b" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "person_never_merge_person_a_person_b_pk" PRIMARY KEY("person_a","person_b")
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"user_id" uuid NOT NULL,
	"key" text NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "settings_user_id_key_pk" PRIMARY KEY("user_id","key")
);
--> statement-breakpoint
ALTER TABLE "face_profiles" ADD COLUMN "number" integer NOT NULL;--> statement-breakpoint
ALTER TABLE "faces" ADD COLUMN "person_locked" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "person_never_merge" ADD CONSTRAINT "person_never_merge_person_a_face_profiles_person_id_fk" FOREIGN KEY ("person_a") REFERENCES "public"."face_profiles"("person_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_never_merge" ADD CONSTRAINT "person_never_merge_person_b_face_profiles_person_id_fk" FOREIGN KEY ("person_b") REFERENCES "public"."face_profiles"("person_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "person_never_merge_b_idx" ON "person_never_merge" USING btree ("person_b");--> statement-breakpoint
CREATE INDEX "scenes_transcript_trgm_idx" ON "scenes" USING gin ("transcript" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "scenes_ocr_trgm_idx" ON "scenes" USING gin ("ocr_text" gin_trgm_ops);