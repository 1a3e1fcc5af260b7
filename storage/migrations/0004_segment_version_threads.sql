-- The thread that wrote each version. A run cut short (kill -9, a client gone, a timeout)
-- after its version reached the store but before the thread checkpointed it leaves a version
-- its own thread never recorded; the thread's next run finds it by this column and discards
-- it, so the store comes back to the thread's last stable state (storage/segments.ts).
alter table app.segment_versions add column thread_id text;
