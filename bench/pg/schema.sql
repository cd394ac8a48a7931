-- PostgreSQL's side of the comparison harness (issue 4): the contacts table and its indexes.
--
-- pg_bench drops the table and runs this file before loading, and VACUUM ANALYZEs after the
-- load. One table holds every chatbot's contacts; the benchmark uses one chatbot ('bench').
-- Every query is `WHERE chatbot_id = $1 AND (<condition>) ORDER BY <order> LIMIT 50` plus the
-- count(*) of the same condition (bench/scenarios.h).
--
-- Indexes:
--   the issue's:         pg_trgm GIN on contactd_fold(name) and on lower(email);
--   added for fairness   (what a competent PostgreSQL engineer gives these queries):
--                        pg_trgm GIN on lower(external_id) and on phonenumber (the q searches
--                        match them too), btree (chatbot_id, created_at, id) for the newest-first
--                        order and its keyset cursor, GIN jsonb_path_ops on custom_attributes for
--                        @> equality, and a btree on (chatbot_id, ltv) for the ltv range and the
--                        ltv sort (declared DESC NULLS LAST, id DESC so the sort reads it in order).
-- The unique constraint's btree (chatbot_id, external_id) serves gets and upserts.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

-- contactd's case and accent folding for the generated data:
--   contactd_fold(text) = lower(public.unaccent('public.unaccent'::regdictionary, $1)).
-- unaccent() is only STABLE (its dictionary could change), so it cannot be indexed as is. The
-- usual wrapper, an IMMUTABLE SQL function calling it, works but is not inlined (its body is
-- not immutable) and costs a SQL-function call per row, three to four times the folding
-- itself, on every row a filter or a recheck evaluates. So contactd_unaccent declares
-- unaccent's own C function IMMUTABLE (the same code, as unaccent(regdictionary, text)), and
-- contactd_fold, whose body is then immutable, is inlined both into the index expressions and
-- into the queries, which therefore still match. Creating a C-language function needs a
-- superuser, which cluster.sh's user is.
CREATE OR REPLACE FUNCTION contactd_unaccent(regdictionary, text) RETURNS text
  LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
  AS '$libdir/unaccent', 'unaccent_dict';

CREATE OR REPLACE FUNCTION contactd_fold(text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT lower(public.contactd_unaccent('public.unaccent'::regdictionary, $1)) $$;

CREATE TABLE contacts (
  id                bigserial PRIMARY KEY,
  chatbot_id        text NOT NULL,
  external_id       text NOT NULL,
  name              text,
  email             text,
  phonenumber       text,
  stripe_accounts   jsonb,
  custom_attributes jsonb,
  created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
  UNIQUE (chatbot_id, external_id)
);

-- The issue's indexes.
CREATE INDEX contacts_name_trgm ON contacts USING gin (contactd_fold(name) gin_trgm_ops);
CREATE INDEX contacts_email_trgm ON contacts USING gin (lower(email) gin_trgm_ops);

-- Added for fairness.
CREATE INDEX contacts_external_id_trgm ON contacts USING gin (lower(external_id) gin_trgm_ops);
CREATE INDEX contacts_phonenumber_trgm ON contacts USING gin (phonenumber gin_trgm_ops);
CREATE INDEX contacts_newest ON contacts (chatbot_id, created_at, id);
CREATE INDEX contacts_attributes ON contacts USING gin (custom_attributes jsonb_path_ops);
CREATE INDEX contacts_ltv
  ON contacts (chatbot_id, ((custom_attributes->>'ltv')::numeric) DESC NULLS LAST, id DESC);
