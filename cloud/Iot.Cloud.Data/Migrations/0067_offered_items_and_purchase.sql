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
