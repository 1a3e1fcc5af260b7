-- Memory and feedback (issue 12, points 1 and 3). Everything is owned by a tenant; memory is
-- also per user. user_id '' is the whole tenant (a unique constraint treats NULLs as distinct,
-- so '' keeps "one entry per tenant, user and question" a constraint).
-- Numbered 0006: 0005 is left to the vector-store work landing beside this.

-- The person a key belongs to: the subject of its memory unless a request names another user.
-- Null for a service key (a marketing app sends `user` per request, or remembers nothing).
alter table app.api_keys add column user_id text;

-- A clarifying question's answer, reused when the same question (its key) comes up in a new
-- conversation of this user (or of anyone in the tenant, for user_id '').
create table app.memory_answers (
  id uuid primary key default gen_random_uuid(),
  tenant_id text not null references app.tenants (id),
  user_id text not null default '',
  question_key text not null,
  -- The user's words the question was about ("loyal").
  term text not null,
  question text not null,
  -- The option label picked, or the free text typed.
  answer text not null,
  thread_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, user_id, question_key)
);

create table app.memory_preferences (
  tenant_id text not null references app.tenants (id),
  user_id text not null default '',
  preferences jsonb not null,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, user_id)
);

-- Segments a user created, newest first: what "recent segments" recalls.
create table app.memory_segments (
  id uuid primary key default gen_random_uuid(),
  tenant_id text not null references app.tenants (id),
  user_id text not null,
  thread_id text not null,
  version integer not null,
  request text not null,
  size integer,
  explanation jsonb not null default '[]',
  created_at timestamptz not null default now(),
  unique (tenant_id, user_id, thread_id, version)
);
create index memory_segments_recent_idx on app.memory_segments (tenant_id, user_id, created_at desc);

-- Feedback on a turn of a conversation or on a saved segment.
create table app.feedback (
  id uuid primary key default gen_random_uuid(),
  tenant_id text not null references app.tenants (id),
  user_id text,
  thread_id text,
  turn integer,
  segment_id uuid references app.segments (id) on delete cascade,
  version integer,
  rating text not null check (rating in ('up', 'down')),
  reason text,
  -- The rule tree the user says the segment should have been.
  corrected jsonb,
  created_at timestamptz not null default now(),
  check (thread_id is not null or segment_id is not null)
);
create index feedback_tenant_created_idx on app.feedback (tenant_id, created_at desc);

-- A correction: the user's words (`phrase`) and the condition they should have meant, learnt
-- from an edit made right after a creation (or from feedback carrying a corrected segment).
create table app.corrections (
  id uuid primary key default gen_random_uuid(),
  tenant_id text not null references app.tenants (id),
  user_id text,
  thread_id text,
  phrase text not null,
  -- The condition the phrase was read as, and the one it should have meant (null: removed).
  was jsonb,
  meant jsonb,
  was_text text,
  meant_text text,
  source text not null check (source in ('edit', 'feedback')),
  created_at timestamptz not null default now()
);
create index corrections_tenant_created_idx on app.corrections (tenant_id, created_at desc);
