using Iot.Edge.Agent.Recording;
using Iot.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Edge.Tests.Recording;

public sealed class RecordingControllerTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-25T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly RecorderStatus _status = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_visit_records_under_its_transaction_id_until_it_ends()
    {
        var controller = Create(new RecordingOptions { Trigger = RecordingTrigger.Visits });
        Assert.Equal(new RecordingDecision(false, null, "no-visit"), controller.Evaluate());

        Assert.True(controller.Handle(new AgentEvent("visit_call", "t-100", "anna")).Accepted);
        Assert.Equal(new RecordingDecision(true, "t-100", "visit", "anna"), controller.Evaluate());

        Assert.True(controller.Handle(new AgentEvent("visit_end", "t-100")).Accepted);
        Assert.False(controller.Evaluate().Record);
    }

    [Fact]
    public void A_repeated_call_for_the_active_visit_changes_nothing()
    {
        var controller = Create(new RecordingOptions { Trigger = RecordingTrigger.Visits });
        controller.Handle(new AgentEvent("visit_call", "t-1"));

        var outcome = controller.Handle(new AgentEvent("visit_next", "t-1"));

        Assert.Contains("already active", outcome.Message, StringComparison.Ordinal);
        Assert.Equal("t-1", controller.ActiveVisit?.TransactionId);
    }

    [Fact]
    public void A_new_call_while_a_visit_is_active_ends_the_old_one_implicitly()
    {
        var controller = Create(new RecordingOptions { Trigger = RecordingTrigger.Visits });
        controller.Handle(new AgentEvent("visit_call", "t-1"));

        var outcome = controller.Handle(new AgentEvent("visit_call", "t-2"));

        Assert.Contains("ended implicitly", outcome.Message, StringComparison.Ordinal);
        Assert.Equal("t-2", controller.Evaluate().TransactionId);
    }

    [Fact]
    public void An_end_for_another_or_no_visit_is_ignored_without_stopping_the_active_one()
    {
        var controller = Create(new RecordingOptions { Trigger = RecordingTrigger.Visits });
        Assert.Contains("no active visit", controller.Handle(new AgentEvent("visit_finish", "t-9")).Message, StringComparison.Ordinal);
        controller.Handle(new AgentEvent("visit_call", "t-1"));

        var outcome = controller.Handle(new AgentEvent("visit_end", "t-0"));

        Assert.Contains("ignored", outcome.Message, StringComparison.Ordinal);
        Assert.Equal("t-1", controller.ActiveVisit?.TransactionId);
    }

    [Theory]
    [InlineData("visit_explode", "t-1", "unknown event type")]
    [InlineData("visit_call", null, "needs a transactionId")]
    [InlineData("visit_call", "../etc", "transactionId must be")]
    public void Malformed_events_are_refused_with_a_reason(string type, string? tx, string expected)
    {
        var controller = Create(new RecordingOptions { Trigger = RecordingTrigger.Visits });

        var outcome = controller.Handle(new AgentEvent(type, tx));

        Assert.False(outcome.Accepted);
        Assert.Contains(expected, outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_disabled_branch_never_records_and_a_refused_visit_is_reported()
    {
        var controller = Create(new RecordingOptions { Trigger = RecordingTrigger.Visits, BranchEnabled = false });

        var outcome = controller.Handle(new AgentEvent("visit_call", "t-5"));

        Assert.Contains("refused: branch-disabled", outcome.Message, StringComparison.Ordinal);
        Assert.False(controller.Evaluate().Record);
        Assert.Equal(new Refusal("t-5", "branch-disabled", _time.GetUtcNow()), _status.Snapshot.LastRefusal);
    }

    [Fact]
    public void Only_enabled_desk_users_are_recorded()
    {
        var controller = Create(new RecordingOptions { Trigger = RecordingTrigger.Always, EnabledUsers = ["anna"], RequireDeskUser = true });
        Assert.Equal("no-desk-user", controller.Evaluate().Reason);

        controller.Handle(new AgentEvent("login", Operator: "boris"));
        Assert.Equal("user-not-enabled", controller.Evaluate().Reason);

        controller.Handle(new AgentEvent("login", Operator: "anna"));
        Assert.True(controller.Evaluate().Record);

        controller.Handle(new AgentEvent("logout"));
        Assert.False(controller.Evaluate().Record);
    }

    [Fact]
    public void The_schedule_trigger_follows_the_clock()
    {
        var controller = Create(new RecordingOptions { Trigger = RecordingTrigger.Schedule, TimeZone = "Europe/Istanbul" });
        Assert.True(controller.Evaluate().Record); // 13:00 in Istanbul

        _time.Advance(TimeSpan.FromHours(9)); // 22:00 in Istanbul
        Assert.Equal(new RecordingDecision(false, null, "outside-schedule"), controller.Evaluate());
    }

    [Fact]
    public void A_policy_pushed_by_the_cloud_survives_a_restart_and_beats_local_configuration()
    {
        var store = new RecordingPolicyStore(new RecordingOptions(), _dir.Path, NullLogger<RecordingPolicyStore>.Instance);
        store.Update(new RecordingOptions { BranchEnabled = false, TimeZone = "Asia/Tashkent", Schedule = new() { ["Mon"] = "09:00-10:00" } });

        var reloaded = new RecordingPolicyStore(new RecordingOptions { BranchEnabled = true }, _dir.Path, NullLogger<RecordingPolicyStore>.Instance);

        Assert.False(reloaded.Current.Options.BranchEnabled);
        Assert.Equal("Asia/Tashkent", reloaded.Current.Schedule.Zone.Id);
    }

    [Fact]
    public void An_unreadable_cached_policy_falls_back_to_local_configuration()
    {
        File.WriteAllText(Path.Combine(_dir.Path, RecordingPolicyStore.FileName), "{ not json");

        var store = new RecordingPolicyStore(new RecordingOptions { BranchEnabled = false }, _dir.Path, NullLogger<RecordingPolicyStore>.Instance);

        Assert.False(store.Current.Options.BranchEnabled);
    }

    private RecordingController Create(RecordingOptions options) =>
        new(new RecordingPolicyStore(options, _dir.Path, NullLogger<RecordingPolicyStore>.Instance), _status, _time, NullLogger<RecordingController>.Instance);
}
