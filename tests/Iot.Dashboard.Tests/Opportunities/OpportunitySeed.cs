using Dapper;
using Iot.Dashboard.Tests.Infrastructure;
using Npgsql;

namespace Iot.Dashboard.Tests.Opportunities;

/// <summary>
/// Analyses with offered items and purchase verdicts (migration 0067) added to <see cref="SeedData"/>'s Acme (New York,
/// UTC-5 in November) in the week of 9-13 November, before every other seeded dialogue, written as the pipeline would.
/// Expected answers for that week are worked out by hand in the tests.
/// </summary>
public sealed class OpportunitySeed
{
    public const string Week = "from=2026-11-09&to=2026-11-13";

    /// <summary>Purchases without an offer: north 10 Nov 10:00, south 11 Nov 10:00, north 11 Nov 23:30 local (12 Nov in UTC).</summary>
    public Guid MissedNorth { get; } = Guid.CreateVersion7();
    public Guid MissedSouth { get; } = Guid.CreateVersion7();
    public Guid MissedLateNorth { get; } = Guid.CreateVersion7();

    /// <summary>Declined: north 10 Nov 11:00 (two offers), south 12 Nov 10:00 (one).</summary>
    public Guid DeclinedNorth { get; } = Guid.CreateVersion7();
    public Guid DeclinedSouth { get; } = Guid.CreateVersion7();

    /// <summary>Accepted: north 9 Nov (one offer, also a purchase), south 11 Nov 12:00 (the same item offered twice).</summary>
    public Guid AcceptedNorth { get; } = Guid.CreateVersion7();
    public Guid AcceptedSouthTwice { get; } = Guid.CreateVersion7();

    /// <summary>Left out everywhere: a flagged purchase, a deleted one, a flagged decline of the warranty.</summary>
    public Guid FlaggedMissed { get; } = Guid.CreateVersion7();
    public Guid DeletedMissed { get; } = Guid.CreateVersion7();
    public Guid FlaggedDeclined { get; } = Guid.CreateVersion7();

    public const string MissedNorthQuote = "I'll take the blue one";
    public const string MissedSouthQuote1 = "how much is it";
    public const string MissedSouthQuote2 = "card please";
    public const string DeclinedNorthReply = "no thanks just the phone";

    public static async Task<OpportunitySeed> WriteAsync(string connectionString, bool reviews)
    {
        var s = new OpportunitySeed();
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        const string none = "[]";
        var warrantyDeclined = """[{"item":" Premium  Warranty ","category":"warranty","reaction":"declined"},{"item":"Phone Case","category":"accessories","reaction":"declined"}]""";
        var rows = new (Guid Id, string Utc, string Branch, string Device, string Op, bool Upsell, string Reaction, bool? Purchase, string Items, string[] Categories, string Evidence, bool Flagged, bool Deleted)[]
        {
            (s.MissedNorth, "2026-11-10T15:00:00Z", "acme-north", "acme-d1", "op-dora", false, "none", true, none, [], Quotes(("purchase", MissedNorthQuote)), false, false),
            (s.MissedSouth, "2026-11-11T15:00:00Z", "acme-south", "acme-d2", "op-erin", false, "none", true, none, [], Quotes(("purchase", MissedSouthQuote1), ("greeting", "hello"), ("purchase", MissedSouthQuote2)), false, false),
            (s.MissedLateNorth, "2026-11-12T04:30:00Z", "acme-north", "acme-d1", "op-dora", false, "none", true, none, [], Quotes(("purchase", "that one please")), false, false),
            (s.FlaggedMissed, "2026-11-10T18:00:00Z", "acme-north", "acme-d1", "op-dora", false, "none", true, none, [], Quotes(("purchase", "flagged purchase")), true, false),
            (s.DeletedMissed, "2026-11-10T19:00:00Z", "acme-north", "acme-d1", "op-dora", false, "none", true, none, [], Quotes(("purchase", "deleted purchase")), false, true),
            (Guid.CreateVersion7(), "2026-11-10T20:00:00Z", "acme-north", "acme-d1", "op-dora", false, "none", null, none, [], none, false, false),   // not judged
            (Guid.CreateVersion7(), "2026-11-10T21:00:00Z", "acme-north", "acme-d1", "op-dora", false, "none", false, none, [], none, false, false),  // no purchase
            (s.AcceptedNorth, "2026-11-09T15:00:00Z", "acme-north", "acme-d1", "op-dora", true, "accepted", true, """[{"item":"Premium Warranty","category":"warranty","reaction":"accepted"}]""", ["warranty"], Quotes(("upsell", "Premium Warranty"), ("purchase", "I'll pay by card")), false, false),
            (s.DeclinedNorth, "2026-11-10T16:00:00Z", "acme-north", "acme-d1", "op-dora", true, "declined", true, warrantyDeclined, ["warranty", "accessories"], Quotes(("upsell", "Premium  Warranty"), ("upsell", "Phone Case"), ("reaction", DeclinedNorthReply)), false, false),
            (s.DeclinedSouth, "2026-11-12T15:00:00Z", "acme-south", "acme-d2", "op-erin", true, "declined", false, """[{"item":"Screen Protector","category":"accessories","reaction":"declined"}]""", ["accessories"], Quotes(("upsell", "Screen Protector"), ("reaction", "not today")), false, false),
            (s.AcceptedSouthTwice, "2026-11-11T17:00:00Z", "acme-south", "acme-d2", "op-erin", true, "accepted", true, """[{"item":"PREMIUM WARRANTY","category":"warranty","reaction":"accepted"},{"item":"premium warranty","category":"warranty","reaction":"accepted"}]""", ["warranty"], Quotes(("upsell", "PREMIUM WARRANTY")), false, false),
            (s.FlaggedDeclined, "2026-11-11T18:00:00Z", "acme-north", "acme-d1", "op-dora", true, "declined", false, """[{"item":"premium warranty","category":"warranty","reaction":"declined"}]""", ["warranty"], none, true, false),
        };
        foreach (var r in rows)
        {
            await c.ExecuteAsync(
                """
                INSERT INTO dialogues (dialogue_id, tenant_id, branch_id, device_id, operator_id, started_at, ended_at, speech_ms, status, deleted_at, delete_reason)
                VALUES (@Id, 'acme', @Branch, @Device, @Op, @started, @started + interval '30 seconds', 30000, 'analyzed',
                        CASE WHEN @Deleted THEN @started + interval '1 day' END, CASE WHEN @Deleted THEN 'test' END);
                INSERT INTO analyses (dialogue_id, engine, upsell_attempted, offered_categories, customer_reaction, checklist, sentiment, sentiment_score, quality_score,
                                      summary, evidence, offered_items, purchase, low_confidence)
                VALUES (@Id, 'rules', @Upsell, @Categories, @Reaction, '[{"itemId":"greeting","met":true}]', 'neutral', 0, 60, 'seeded opportunity',
                        @Evidence::jsonb, @Items::jsonb, @Purchase, CASE WHEN @Flagged THEN 'unsure' END);
                """,
                new { r.Id, r.Branch, r.Device, r.Op, started = DateTimeOffset.Parse(r.Utc, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime, r.Upsell, r.Categories, r.Reaction, r.Evidence, r.Items, r.Purchase, r.Flagged, r.Deleted });
        }

        // Another tenant's purchase without an offer in the same week: never in Acme's answers.
        await c.ExecuteAsync(
            """
            INSERT INTO dialogues (dialogue_id, tenant_id, branch_id, device_id, operator_id, started_at, ended_at, speech_ms, status)
            VALUES (@id, 'globex', 'globex-main', 'globex-d1', 'op-gary', '2026-11-10T15:00:00Z', '2026-11-10T15:00:30Z', 30000, 'analyzed');
            INSERT INTO analyses (dialogue_id, engine, upsell_attempted, offered_categories, customer_reaction, sentiment, sentiment_score, quality_score, summary, evidence, offered_items, purchase)
            VALUES (@id, 'rules', false, '{}', 'none', 'neutral', 0, 50, 'globex', '[{"claim":"purchase","quote":"globex purchase"}]',
                    '[{"item":"premium warranty","category":"warranty","reaction":"declined"}]', true);
            """,
            new { id = Guid.CreateVersion7() });

        if (reviews)
        {
            // Current reviews: sentiment changed only (corrected, agrees on upsell/reaction); everything kept (confirmed);
            // a checklist item changed (corrected); the upsell answer changed (corrected and disagrees); and a superseded
            // review that changed the upsell, which no longer counts.
            const string review = """
                INSERT INTO analysis_reviews (dialogue_id, tenant_id, branch_id, dialogue_started_at, upsell_attempted, customer_reaction, checklist, offers, sentiment,
                                              reviewer_id, reviewer, reviewed_at, analysis_engine, analysis_created_at, machine_upsell, machine_reaction, superseded_at)
                SELECT d.dialogue_id, d.tenant_id, d.branch_id, d.started_at, @upsell, @reaction, @checklist::jsonb, @offers::jsonb, @sentiment,
                       (SELECT user_id FROM dashboard_users WHERE email = 'admin@acme.test'), 'admin@acme.test', now(), a.engine, a.created_at,
                       a.upsell_attempted, a.customer_reaction, CASE WHEN @superseded THEN now() END
                FROM dialogues d JOIN analyses a ON a.dialogue_id = d.dialogue_id WHERE d.dialogue_id = @id
                """;
            await c.ExecuteAsync(review, new { id = s.MissedNorth, upsell = false, reaction = "none", checklist = "[]", offers = "[]", sentiment = "positive", superseded = false });
            await c.ExecuteAsync(review, new { id = s.DeclinedSouth, upsell = true, reaction = "declined", checklist = """[{"itemId":"greeting","met":true}]""", offers = """[{"category":"accessories"}]""", sentiment = "neutral", superseded = false });
            await c.ExecuteAsync(review, new { id = s.AcceptedSouthTwice, upsell = true, reaction = "accepted", checklist = """[{"itemId":"greeting","met":false}]""", offers = "[]", sentiment = (string?)null, superseded = false });
            await c.ExecuteAsync(review, new { id = s.DeclinedNorth, upsell = false, reaction = "none", checklist = "[]", offers = "[]", sentiment = (string?)null, superseded = false });
            await c.ExecuteAsync(review, new { id = s.MissedSouth, upsell = true, reaction = "accepted", checklist = "[]", offers = "[]", sentiment = (string?)null, superseded = true });
        }

        return s;
    }

    private static string Quotes(params (string Claim, string Quote)[] quotes) =>
        System.Text.Json.JsonSerializer.Serialize(quotes.Select(q => new { claim = q.Claim, quote = q.Quote }));
}

/// <summary><see cref="DashboardFixture"/> plus <see cref="OpportunitySeed"/> (with reviews), once per test class.</summary>
public sealed class OpportunityFixture : IAsyncLifetime
{
    public DashboardFixture Dashboard { get; } = new();

    public OpportunitySeed Seed { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Dashboard.InitializeAsync();
        Seed = await OpportunitySeed.WriteAsync(Dashboard.ConnectionString, reviews: true);
    }

    public Task<HttpClient> ClientAsAsync(string email) => Dashboard.ClientAsAsync(email);

    public Task DisposeAsync() => Dashboard.DisposeAsync();
}
