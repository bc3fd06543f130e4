-- 0063: image thumbnails, made by the `media.thumbnail` job and stored as derived attachments (docs/conversations.md,
-- "Thumbnails").
ALTER TABLE attachments
    -- A derived file (a thumbnail) names its original; derived rows are not listed among a message's attachments.
    ADD COLUMN derived_from uuid,
    -- Of an original: pending (a job is queued), stored, failed (after the job's attempts); NULL when none is made.
    ADD COLUMN thumbnail_state text,
    ADD CONSTRAINT attachments_thumbnail_state_known
        CHECK (thumbnail_state IS NULL OR thumbnail_state IN ('pending', 'stored', 'failed')),
    ADD CONSTRAINT attachments_derived_from_fk
        FOREIGN KEY (tenant_id, derived_from) REFERENCES attachments (tenant_id, id) ON DELETE CASCADE;
-- One thumbnail per original; also the lookup from an original to its thumbnail.
CREATE UNIQUE INDEX attachments_derived ON attachments (tenant_id, derived_from) WHERE derived_from IS NOT NULL;
