using System.Data;
using Dapper;

namespace Iot.Dashboard.Reviews;

/// <summary>
/// The overview's "agreement with reviewers": over the current reviews of the period's dialogues (not deleted), how
/// many kept the analyzer's upsell answer and its reaction. Compared with the machine values the review corrected, so a
/// later re-analysis does not rewrite what reviewers said about the earlier one. Reviews are few (people write them):
/// read raw every time, no roll-up.
/// </summary>
internal static class ReviewAgreementQuery
{
    public static async Task<ReviewAgreement> ReadAsync(IDbConnection c, IDbTransaction tx, DateTimeOffset start, DateTimeOffset end, CancellationToken ct)
    {
        var row = await c.QuerySingleAsync<(long Reviews, long Upsell, long Reaction)>(new CommandDefinition(
            """
            SELECT count(*), count(*) FILTER (WHERE r.upsell_attempted = r.machine_upsell), count(*) FILTER (WHERE r.customer_reaction = r.machine_reaction)
            FROM analysis_reviews r
            WHERE r.superseded_at IS NULL AND r.dialogue_started_at >= @start AND r.dialogue_started_at < @end
              AND NOT EXISTS (SELECT 1 FROM analyses a WHERE a.dialogue_id = r.dialogue_id AND a.dialogue_deleted)
            """,
            new { start = start.UtcDateTime, end = end.UtcDateTime },
            tx,
            cancellationToken: ct)).ConfigureAwait(false);
        return new ReviewAgreement((int)row.Reviews, (int)row.Upsell, (int)row.Reaction);
    }
}
