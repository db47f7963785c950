-- Issue 19 item 3 (missed opportunities): what the analysis already finds but did not keep, and one new verdict.
--
-- offered_items: every offer act the analysis found, in order, as [{item, category, reaction}]: item = the seller's own
--   words for what was offered (a verbatim substring of transcripts.text, like evidence quotes), category = the
--   profile category it maps to (also in offered_categories), reaction = the customer's reply to that offer
--   ('accepted', 'declined', 'undecided'). The dashboard's "top offered items" and the dialogue list's item filter
--   read it. Rows analysed before this migration keep '[]' until re-analysed.
-- purchase: whether the dialogue holds a purchase-like exchange (the customer buys, asks for or pays for something:
--   price, payment, "I'll take it"), with its quote as an evidence row of claim 'purchase'. Null = analysed by an
--   engine version that did not judge it, so "missed" lists never count old rows as misses.
ALTER TABLE analyses ADD COLUMN offered_items jsonb NOT NULL DEFAULT '[]'::jsonb,
                     ADD COLUMN purchase boolean;

-- The two missed-opportunity lists, newest first, per tenant: a purchase with no offer, and a declined offer. The id
-- completes the list's order (started, id), so a page is the index's first rows, not a sort of the whole period.
CREATE INDEX analyses_missed_offer ON analyses (tenant_id, dialogue_started_at DESC, dialogue_id DESC)
    WHERE purchase AND NOT upsell_attempted AND NOT dialogue_deleted AND low_confidence IS NULL;
CREATE INDEX analyses_declined_offer ON analyses (tenant_id, dialogue_started_at DESC, dialogue_id DESC)
    WHERE customer_reaction = 'declined' AND NOT dialogue_deleted AND low_confidence IS NULL;

-- "Top offered items" over a month or a quarter would read every analysis of the period (0.8-1.3 s at 1 M dialogues), so
-- the overview roll-up job (OverviewRollup, same buckets, watermark and state as 0022/0065) keeps them per tenant, local
-- day, branch, the seller's words as the dashboard normalises them (lower case, single spaces) and category: offers,
-- dialogues holding such an offer, accepted and declined offers. Unflagged analyses of dialogues not deleted only.
CREATE TABLE offered_item_rollup (
    tenant_id text NOT NULL,
    day       date NOT NULL,
    branch_id text,
    item      text NOT NULL,
    category  text NOT NULL,
    offered   integer NOT NULL,
    dialogues integer NOT NULL,
    accepted  integer NOT NULL,
    declined  integer NOT NULL
);
CREATE UNIQUE INDEX offered_item_rollup_key ON offered_item_rollup (tenant_id, day, branch_id, item, category) NULLS NOT DISTINCT;
GRANT SELECT ON offered_item_rollup TO iot_dashboard_app;
ALTER TABLE offered_item_rollup ENABLE ROW LEVEL SECURITY;
CREATE POLICY dashboard_tenant ON offered_item_rollup TO iot_dashboard_app USING (tenant_id = (SELECT dashboard_tenant())
    AND ((SELECT dashboard_all_branches()) OR branch_id = ANY ((SELECT dashboard_branches())::text[])));
DELETE FROM overview_rollup_state;
