-- Segments that change in conversation: a saved segment is the lineage of versions a thread
-- built (its id in the thread's state), and every version keeps what made it and what it
-- changed. One version number per segment is written once (primary key), so two concurrent
-- edits cannot both become version N.
-- Segments saved before lineages existed each become a lineage of their own.
alter table app.segments add column lineage_id uuid not null default gen_random_uuid();
create unique index segments_tenant_lineage_idx on app.segments (tenant_id, lineage_id);

alter table app.segment_versions
  add column kind text not null default 'create'
    check (kind in ('create', 'edit', 'undo', 'redo', 'revert')),
  -- The user's words that produced the version (the request, the edit, "undo").
  add column request text,
  add column params jsonb not null default '[]',
  add column explanation jsonb not null default '[]',
  -- Against the version before it; null for the first.
  add column diff jsonb,
  -- Skills (and versions) that produced its conditions.
  add column producer text,
  add column created_by text;
