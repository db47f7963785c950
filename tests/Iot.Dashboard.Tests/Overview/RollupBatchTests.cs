using Iot.Dashboard.Overview;

namespace Iot.Dashboard.Tests.Overview;

/// <summary>How a pass cuts its tenant-days into transactions: bounded work each, one tenant each, consecutive days.</summary>
public sealed class RollupBatchTests
{
    private static readonly DateTime Day0 = new(2026, 11, 2, 0, 0, 0, DateTimeKind.Unspecified);

    [Fact]
    public void A_transaction_holds_consecutive_days_of_one_tenant_up_to_the_dialogue_budget_and_a_bigger_day_alone()
    {
        var budget = OverviewRollup.DialoguesPerTransaction;
        var buckets = new List<OverviewRollup.Bucket>();
        buckets.AddRange(Enumerable.Range(0, 10).Select(i => new OverviewRollup.Bucket("big", Day0.AddDays(i), budget / 4)));
        buckets.Add(new OverviewRollup.Bucket("big", Day0.AddDays(10), budget * 3));
        buckets.Add(new OverviewRollup.Bucket("big", Day0.AddDays(11), 1));
        buckets.AddRange(Enumerable.Range(0, 70).Select(i => new OverviewRollup.Bucket("small", Day0.AddDays(i), 0)));

        var batches = OverviewRollup.Batches(buckets).ToList();

        Assert.Equal(buckets, batches.SelectMany(b => b));
        Assert.All(batches, b => Assert.Single(b.Select(x => x.TenantId).Distinct()));
        Assert.All(batches, b => Assert.True(b.Count == 1 || b.Sum(x => x.Dialogues) <= budget, $"{b.Count} days, {b.Sum(x => x.Dialogues)} dialogues"));
        Assert.Equal([4, 4, 2, 1, 1, 60, 10], batches.Select(b => b.Count));
    }
}
