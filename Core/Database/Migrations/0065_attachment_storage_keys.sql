-- 0065: the sweep of unused attachment files (docs/conversations.md, "Files nobody uses") asks, for a batch of files
-- on disk, which storage keys attachment rows still name; this index answers that per key.
CREATE INDEX attachments_storage_key ON attachments (tenant_id, storage_key) WHERE storage_key IS NOT NULL;
