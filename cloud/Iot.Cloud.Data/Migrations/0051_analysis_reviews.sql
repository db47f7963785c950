-- Issue 16 item 7: a reviewer's correction of a dialogue's machine analysis (upsell, customer reaction, checklist,
-- optionally offers and sentiment, with a note). Owned by the dashboard's Reviews feature; the pipeline never reads it.
--
-- Kept beside the analysis, never written over it: the machine result stays as the analyzer made it, so the overview
-- can measure the analyzer against reviewers and the export can hand the corrected labels to the bench. A new review
-- of the same dialogue supersedes the current one (superseded_at/by set); older reviews stay as history, and every
-- review is also an `analysis-reviewed` row in audit_log, written in the same transaction.
--
-- analyses has no id of its own (its key is dialogue_id), so the machine result a review corrects is named by its
-- engine and created_at, and the two values the agreement figures compare (upsell, reaction) are copied as they were
-- when the reviewer saw them. No foreign key to dialogues or analyses: dialogues is partitioned by month (0041) and
-- a dropped month takes its reviews with it (MonthlyPartitions.DropAsync).
CREATE TABLE analysis_reviews (
    review_id           bigserial PRIMARY KEY,
    dialogue_id         uuid NOT NULL,
    tenant_id           text NOT NULL REFERENCES tenants (tenant_id),
    branch_id           text,
    dialogue_started_at timestamptz NOT NULL,  -- the overview's period filter, without a join to the partitioned table
    upsell_attempted    boolean NOT NULL,
    customer_reaction   text NOT NULL CHECK (customer_reaction IN ('none', 'accepted', 'declined', 'undecided')),
    checklist           jsonb NOT NULL DEFAULT '[]'::jsonb,   -- [{itemId, met}]: only the items the reviewer judged
    offers              jsonb NOT NULL DEFAULT '[]'::jsonb,   -- [{category, turn?, item?}]; turn = 0-based utterance index
    sentiment           text CHECK (sentiment IN ('negative', 'neutral', 'positive')),   -- null = not judged
    note                text NOT NULL DEFAULT '' CHECK (char_length(note) <= 1000),
    reviewer_id         uuid NOT NULL REFERENCES dashboard_users (user_id),
    reviewer            text NOT NULL,         -- the reviewer's e-mail when reviewing, as the audit log names people
    reviewed_at         timestamptz NOT NULL,
    analysis_engine     text NOT NULL,
    analysis_created_at timestamptz NOT NULL,
    machine_upsell      boolean NOT NULL,
    machine_reaction    text NOT NULL,
    superseded_at       timestamptz,
    superseded_by       bigint REFERENCES analysis_reviews (review_id),
    -- The corpus rule: no offer, no reaction; an offer always gets one.
    CONSTRAINT analysis_reviews_reaction_needs_upsell CHECK (upsell_attempted = (customer_reaction <> 'none'))
);

-- At most one current review per dialogue: two reviewers saving at once cannot both win (the second gets a conflict).
CREATE UNIQUE INDEX analysis_reviews_current ON analysis_reviews (dialogue_id) WHERE superseded_at IS NULL;
CREATE INDEX analysis_reviews_history ON analysis_reviews (dialogue_id, review_id DESC);
CREATE INDEX analysis_reviews_tenant_started ON analysis_reviews (tenant_id, dialogue_started_at)
    INCLUDE (branch_id, upsell_attempted, customer_reaction, machine_upsell, machine_reaction) WHERE superseded_at IS NULL;

GRANT SELECT, INSERT ON analysis_reviews TO iot_dashboard_app;
GRANT UPDATE (superseded_at, superseded_by) ON analysis_reviews TO iot_dashboard_app;
GRANT USAGE ON SEQUENCE analysis_reviews_review_id_seq TO iot_dashboard_app;

-- Tenant and allowed branches, as for dialogues and analyses (0021); the write check keeps a branch supervisor's
-- review inside its branches even if the statement named another one.
ALTER TABLE analysis_reviews ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON analysis_reviews TO iot_dashboard_app
    USING (tenant_id = (SELECT dashboard_tenant()) AND ((SELECT dashboard_all_branches()) OR branch_id = ANY ((SELECT dashboard_branches())::text[])))
    WITH CHECK (tenant_id = (SELECT dashboard_tenant()) AND ((SELECT dashboard_all_branches()) OR branch_id = ANY ((SELECT dashboard_branches())::text[])));
