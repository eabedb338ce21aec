-- scenes.ocr_words gained the decimal numbers of on-screen text written with the other separator ("12,50" →
-- "12.50", search/decimal-numbers.ts). Scenes whose text holds a decimal number are reset to null, so the start-up
-- fill of each side (fillOcrWords) computes their words again; no synced column changes.
UPDATE "scenes" SET "ocr_words" = NULL WHERE "ocr_text" ~ '[0-9][.,][0-9]';
