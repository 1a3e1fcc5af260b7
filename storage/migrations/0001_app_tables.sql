-- Application tables. Tenants own everything; segments keep their full history in
-- segment_versions; the audit log records what the agent did per tenant and thread.
create schema if not exists app;

create table app.tenants (
  id text primary key,
  config jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table app.segments (
  id uuid primary key default gen_random_uuid(),
  tenant_id text not null references app.tenants (id),
  name text,
  thread_id text,
  request text not null,
  definition jsonb not null,
  sql text not null,
  size integer,
  created_at timestamptz not null default now()
);

-- Segments are listed per tenant, newest first.
create index segments_tenant_created_idx on app.segments (tenant_id, created_at desc);

create table app.segment_versions (
  segment_id uuid not null references app.segments (id) on delete cascade,
  version integer not null,
  definition jsonb not null,
  sql text not null,
  size integer,
  created_at timestamptz not null default now(),
  primary key (segment_id, version)
);

create table app.audit_log (
  id bigserial primary key,
  tenant_id text,
  thread_id text,
  event text not null,
  detail jsonb not null default '{}',
  created_at timestamptz not null default now()
);

create index audit_log_tenant_thread_idx on app.audit_log (tenant_id, thread_id);

-- One row per tenant: which source file the warehouse was last loaded from, so a restart
-- can skip reloading unchanged data.
create table app.warehouse_loads (
  tenant_id text primary key,
  source_checksum text not null,
  row_counts jsonb not null,
  loaded_at timestamptz not null default now()
);
