-- HTTP API: keys and conversation threads, each owned by exactly one tenant, so that every
-- request resolves to a tenant and every thread lookup is scoped to it.

-- Only the sha256 of a key is stored; the key itself is shown once, when created. The prefix
-- identifies a key in listings and revocation without revealing it.
create table app.api_keys (
  id uuid primary key default gen_random_uuid(),
  tenant_id text not null references app.tenants (id),
  prefix text not null unique,
  hash text not null unique check (hash ~ '^[0-9a-f]{64}$'),
  name text,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

create index api_keys_tenant_idx on app.api_keys (tenant_id, created_at);

-- The graph's checkpoints are keyed by thread id alone; this row says whose thread it is.
create table app.threads (
  id uuid primary key default gen_random_uuid(),
  tenant_id text not null references app.tenants (id),
  -- Overrides the tenant's as-of date for this conversation's relative windows.
  as_of date,
  created_at timestamptz not null default now()
);

create index threads_tenant_created_idx on app.threads (tenant_id, created_at desc);
