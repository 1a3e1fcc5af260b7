-- The skills registry and the learning loop (issue 12, points 4 and 5).

-- Every skill implementation the code has run with: its id and version (`rules/map`, `1`),
-- and the hash of its manifest (rule list, prompt template, few-shot set), so a version
-- recorded by a run can be looked up after the code moved on.
create table app.skill_manifests (
  id text not null,
  version text not null,
  hash text not null,
  manifest jsonb not null,
  first_seen timestamptz not null default now(),
  primary key (id, version, hash)
);

-- Versioned per-tenant artefacts: `glossary` (the tenant's glossary entries) and `skills`
-- (the manifests of the skills that served the tenant). A version is written once and kept;
-- the active one is in app.active_artefacts, so a rollback moves a pointer.
create table app.artefact_versions (
  tenant_id text not null references app.tenants (id),
  artefact text not null check (artefact in ('glossary', 'skills')),
  version integer not null check (version > 0),
  content jsonb not null,
  hash text not null,
  -- Why it exists: "initial", "tenant edit", "promoted candidate <id>".
  reason text not null,
  created_by text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, artefact, version)
);

create table app.active_artefacts (
  tenant_id text not null,
  artefact text not null,
  version integer not null,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, artefact),
  foreign key (tenant_id, artefact, version) references app.artefact_versions
);

-- The versions (skills, glossary) a saved version was made with: replay and drift point here.
alter table app.segment_versions add column versions jsonb;

-- What a correction needs to be replayed: the request it corrected, the as-of date it ran
-- at, and the segment the user ended with (the gold a candidate is judged against).
alter table app.corrections
  add column request text,
  add column as_of text,
  add column target jsonb;

-- Candidates learnt from corrections: a glossary entry (a phrase and the words it stands
-- for) or a synonym (a phrase added to an existing entry's aliases). Evaluated on the eval
-- sets, the corrected requests and a replay of the saved segments; promoted only with no
-- regression and a gain on its targets.
create table app.improvement_candidates (
  id uuid primary key default gen_random_uuid(),
  tenant_id text not null references app.tenants (id),
  kind text not null check (kind in ('glossary', 'synonym')),
  phrase text not null,
  -- The glossary entry to add (glossary) or {term, alias} (synonym).
  proposal jsonb not null,
  correction_ids uuid[] not null,
  status text not null default 'proposed'
    check (status in ('proposed', 'promoted', 'rejected', 'rolled_back')),
  evaluation jsonb,
  evaluated_at timestamptz,
  -- The glossary version its promotion made.
  glossary_version integer,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, kind, phrase, proposal)
);
create index improvement_candidates_tenant_idx on app.improvement_candidates (tenant_id, created_at desc);
