using System.Text;
using System.Text.Json;
using Dapper;
using Iot.Dashboard.Data;
using Iot.Dashboard.Dialogues;
using Iot.Dashboard.Overview;
using Iot.Dashboard.Performance;

namespace Iot.Dashboard.Opportunities;

/// <summary>
/// Missed opportunities (issue 19 item 3), read from the analyses the pipeline keeps (migration 0067): purchases
/// without an offer, declined offers, and the items offered. Only analyses of unflagged transcripts of dialogues not
/// deleted count, as in every rate of the dashboard; row security limits them to the caller's tenant and branches.
/// </summary>
public sealed class OpportunityQueries(TenantDb db, TimeProvider time)
{
    /// <summary>Columns of both lists; a is the analysis, d the dialogue looked up by key (and partition key).</summary>
    private const string ListColumns = """
        a.dialogue_id AS DialogueId, a.dialogue_started_at AS StartedAt, a.branch_id AS BranchId, d.device_id AS DeviceId,
        d.operator_id AS OperatorId, a.quality_score AS QualityScore
        """;

    /// <summary>
    /// The dialogue of an analysis by its key and its partition key, so PostgreSQL reads one partition's index, per row,
    /// only for the rows the (partial, time-ordered) analyses index already picked. OFFSET 0 keeps the lateral a per-row
    /// lookup: flattened into a join, PostgreSQL hashed every dialogue of the year (0.9 s at 1 M; 0.8 ms this way).
    /// </summary>
    internal const string DialogueJoin = """
        CROSS JOIN LATERAL (SELECT d.device_id, d.operator_id FROM dialogues d
                            WHERE d.dialogue_id = a.dialogue_id AND d.started_at = a.dialogue_started_at AND d.deleted_at IS NULL OFFSET 0) d
        """;

    private static string Quotes(string claim) => $"ARRAY(SELECT e->>'quote' FROM jsonb_array_elements(a.evidence) e WHERE e->>'claim' = '{claim}')";

    /// <summary>Purchases with no upsell attempt, newest first. Served by the partial index analyses_missed_offer.</summary>
    public Task<OpportunityPage<MissedOpportunity>> MissedAsync(OpportunityFilter filter, CancellationToken ct) =>
        ListAsync<MissedRow, MissedOpportunity>(
            filter,
            $"{ListColumns}, a.summary AS Summary, {Quotes("purchase")} AS PurchaseQuotes",
            "a.purchase AND NOT a.upsell_attempted",
            r => new MissedOpportunity(r.DialogueId, r.StartedAt, r.BranchId, r.DeviceId, r.OperatorId, r.QualityScore, r.Summary, r.PurchaseQuotes, Link(r.DialogueId)),
            ct);

    /// <summary>
    /// Dialogues whose customer declined (the analysis's overall reaction), newest first, with every offer and its own
    /// reply. Served by the partial index analyses_declined_offer.
    /// </summary>
    public Task<OpportunityPage<DeclinedOffer>> DeclinedAsync(OpportunityFilter filter, CancellationToken ct) =>
        ListAsync<DeclinedRow, DeclinedOffer>(
            filter,
            $"{ListColumns}, a.offered_categories AS OfferedCategories, a.offered_items::text AS OfferedItems, {Quotes("upsell")} AS OfferQuotes, {Quotes("reaction")} AS ReactionQuotes",
            "a.customer_reaction = 'declined'",
            r => new DeclinedOffer(
                r.DialogueId, r.StartedAt, r.BranchId, r.DeviceId, r.OperatorId, r.QualityScore, r.OfferedCategories, ParseItems(r.OfferedItems),
                r.OfferQuotes, r.ReactionQuotes, Link(r.DialogueId)),
            ct);

    /// <summary>
    /// The period's offered items by the seller's normalised words; sort and limit from the filter. Whole clean days come
    /// from <c>offered_item_rollup</c> (its per-device-and-operator grain when a device or operator filter asks, else the
    /// per-branch grain), today and days changed since the roll-up's last pass are read raw (the Performance pages'
    /// <see cref="RollupPlan"/>). An item's category is its most offered one; dialogues are counted per category and day.
    /// </summary>
    public Task<TopItems> ItemsAsync(OpportunityFilter filter, CancellationToken ct) => ItemsAsync(filter, rawOnly: false, ct);

    /// <summary><paramref name="rawOnly"/>: ignore the roll-up (tests compare both paths).</summary>
    internal Task<TopItems> ItemsAsync(OpportunityFilter filter, bool rawOnly, CancellationToken ct) =>
        db.RunAsync(
            async (c, tx) =>
            {
                var plan = await RollupPlan.ReadAsync(c, tx, time.GetUtcNow(), ct).ConfigureAwait(false);
                var (first, last) = filter.Period(plan.Today);
                await plan.CoverAsync(c, tx, first, last, rawOnly, ct).ConfigureAwait(false);

                // The plan's bounds of the same days: converted once for the period and the roll-up parameters below.
                var (start, end) = await plan.BoundsAsync(c, tx, ct).ConfigureAwait(false);
                var period = new TenantPeriod(plan.Zone, first, last, start, end);
                var byDialogue = filter.DeviceFilter is not null || filter.OperatorFilter is not null;
                var args = await plan.ParametersAsync(c, tx, ct).ConfigureAwait(false);
                args.Add("branch", filter.BranchFilter);
                args.Add("device", filter.DeviceFilter);
                args.Add("operator", filter.OperatorFilter);
                args.Add("limit", filter.EffectiveLimit);
                var sort = filter.EffectiveSort;
                var direction = sort.StartsWith('-') ? "DESC" : "ASC";
                var key = ItemSortSql[sort.TrimStart('-')];

                // The dialogue is joined only when a device or operator filter needs it (analyses carry tenant and branch).
                var analyses = "analyses a" + (byDialogue ? " " + DialogueJoin : "");
                var sql = $"""
                    WITH runs AS (SELECT r.f::timestamp AT TIME ZONE @zone AS lo, r.e::timestamp AT TIME ZONE @zone AS hi FROM unnest(@runFirsts::date[], @runEnds::date[]) AS r(f, e)),
                    raw AS MATERIALIZED (
                        SELECT o.* FROM runs r CROSS JOIN LATERAL (
                            {OfferedItemRollupSql.Offers(analyses)} AND a.dialogue_started_at >= r.lo AND a.dialogue_started_at < r.hi AND {Where(filter)} OFFSET 0) o
                        WHERE o.item <> ''),
                    x AS (
                        SELECT item, category, count(*) AS offered, count(DISTINCT dialogue_id) AS dialogues, count(*) FILTER (WHERE reaction = 'accepted') AS accepted,
                               count(*) FILTER (WHERE reaction = 'declined') AS declined
                        FROM raw GROUP BY 1, 2
                        UNION ALL
                        SELECT item, category, offered, dialogues, accepted, declined FROM offered_item_rollup
                        WHERE grain = '{(byDialogue ? 'o' : 'b')}' AND {RollupSource.CleanDays(filter.BranchFilter, filter.DeviceFilter)}{(filter.OperatorFilter is null ? "" : " AND operator_id = @operator")}),
                    c AS (SELECT item, category, sum(offered) AS offered, sum(dialogues) AS dialogues, sum(accepted) AS accepted, sum(declined) AS declined FROM x GROUP BY 1, 2),
                    i AS (
                        SELECT item, (array_agg(category ORDER BY offered DESC, category))[1] AS category, sum(offered)::int AS offered, sum(dialogues)::int AS dialogues,
                               sum(accepted)::int AS accepted, sum(declined)::int AS declined
                        FROM c GROUP BY item)
                    SELECT item AS Item, category AS Category, offered AS Offered, dialogues AS Dialogues, accepted AS Accepted, declined AS Declined
                    FROM i ORDER BY {key} {direction}, item
                    LIMIT @limit
                    """;
                var rows = await c.QueryAsync<ItemRow>(new CommandDefinition(sql, args, tx, cancellationToken: ct)).ConfigureAwait(false);
                var items = rows.Select(r => new OfferedItemStats(
                    r.Item, r.Category, r.Offered, r.Dialogues, r.Accepted, r.Declined, r.Offered == 0 ? null : (double)r.Accepted / r.Offered,
                    period.DialoguesUrl(filter, ("item", r.Item)))).ToList();
                return new TopItems(period.First, period.Last, period.Zone, sort, items);
            },
            ct);

    /// <summary>Fixed ORDER BY fragments per allowed sort; only these reach SQL.</summary>
    private static readonly Dictionary<string, string> ItemSortSql = new(StringComparer.Ordinal)
    {
        ["item"] = "item",
        ["category"] = "category",
        ["offered"] = "offered",
        ["dialogues"] = "dialogues",
        ["accepted"] = "accepted",
        ["declined"] = "declined",
        ["acceptanceRate"] = "accepted::float8 / nullif(offered, 0)",
    };

    private async Task<OpportunityPage<TOut>> ListAsync<TRow, TOut>(OpportunityFilter filter, string columns, string condition, Func<TRow, TOut> map, CancellationToken ct)
        where TRow : ListRow =>
        await db.RunAsync(
            async (c, tx) =>
            {
                var period = await TenantPeriod.ReadAsync(c, tx, filter, time.GetUtcNow(), ct).ConfigureAwait(false);
                var args = Parameters(filter, period);
                var size = filter.EffectivePageSize;
                args.Add("limit", size + 1);
                var sql = new StringBuilder($"SELECT {columns} FROM analyses a {DialogueJoin} WHERE {condition} AND {Where(filter)}");
                if (filter.Cursor is not null && DialogueCursor.TryParse(filter.Cursor) is { } cursor)
                {
                    // The plain bound lets the index range start at the cursor; the row comparison breaks ties by id.
                    sql.Append(" AND a.dialogue_started_at <= @cursorAt AND (a.dialogue_started_at, a.dialogue_id) < (@cursorAt, @cursorId)");
                    args.Add("cursorAt", DateTime.SpecifyKind(DateTime.UnixEpoch.AddTicks(cursor.Key * 10), DateTimeKind.Utc));
                    args.Add("cursorId", cursor.Id);
                }

                sql.Append(" ORDER BY a.dialogue_started_at DESC, a.dialogue_id DESC LIMIT @limit");
                var rows = (await c.QueryAsync<TRow>(new CommandDefinition(sql.ToString(), args, tx, cancellationToken: ct)).ConfigureAwait(false)).AsList();
                var page = rows.Take(size).ToList();
                var next = rows.Count > size
                    ? new DialogueCursor("-started", (DateTime.SpecifyKind(page[^1].StartedAt, DateTimeKind.Utc) - DateTime.UnixEpoch).Ticks / 10, page[^1].DialogueId).Encode()
                    : null;
                return new OpportunityPage<TOut>(period.First, period.Last, period.Zone, page.Select(map).ToList(), next, size);
            },
            ct).ConfigureAwait(false);

    /// <summary>
    /// What every query shares: an unflagged analysis of a dialogue not deleted, in the period, and the filters. Only
    /// fixed fragments; the values travel as parameters. The branch is the analysis's own copy (migration 0021).
    /// </summary>
    private static string Where(OpportunityFilter f) =>
        "NOT a.dialogue_deleted AND a.low_confidence IS NULL AND a.dialogue_started_at >= @start AND a.dialogue_started_at < @end"
        + (f.BranchFilter is null ? "" : " AND a.branch_id = @branch")
        + (f.DeviceFilter is null ? "" : " AND d.device_id = @device")
        + (f.OperatorFilter is null ? "" : " AND d.operator_id = @operator");

    private static DynamicParameters Parameters(OpportunityFilter f, TenantPeriod period)
    {
        var p = new DynamicParameters();
        p.Add("start", period.Start);
        p.Add("end", period.End);
        p.Add("branch", f.BranchFilter);
        p.Add("device", f.DeviceFilter);
        p.Add("operator", f.OperatorFilter);
        return p;
    }

    private static string Link(Guid dialogueId) => $"/dialogues/{dialogueId}";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>offered_items as stored; an element missing a field reads as empty rather than failing the page.</summary>
    internal static IReadOnlyList<OfferedItemView> ParseItems(string json) =>
        (JsonSerializer.Deserialize<List<StoredItem>>(json, Json) ?? [])
            .Select(i => new OfferedItemView(i.Item ?? "", i.Category ?? "", i.Reaction ?? "")).ToList();

    private sealed record StoredItem(string? Item, string? Category, string? Reaction);

    private abstract class ListRow
    {
        public Guid DialogueId { get; init; }
        public DateTime StartedAt { get; init; }
        public string? BranchId { get; init; }
        public string DeviceId { get; init; } = "";
        public string? OperatorId { get; init; }
        public int QualityScore { get; init; }
    }

    private sealed class MissedRow : ListRow
    {
        public string Summary { get; init; } = "";
        public string[] PurchaseQuotes { get; init; } = [];
    }

    private sealed class DeclinedRow : ListRow
    {
        public string[] OfferedCategories { get; init; } = [];
        public string OfferedItems { get; init; } = "[]";
        public string[] OfferQuotes { get; init; } = [];
        public string[] ReactionQuotes { get; init; } = [];
    }

    private sealed class ItemRow
    {
        public string Item { get; init; } = "";
        public string Category { get; init; } = "";
        public int Offered { get; init; }
        public int Dialogues { get; init; }
        public int Accepted { get; init; }
        public int Declined { get; init; }
    }
}
