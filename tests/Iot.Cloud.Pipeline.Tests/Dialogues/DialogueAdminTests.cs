using Dapper;
using Iot.Cloud.Pipeline.Dialogues;
using Iot.Cloud.Pipeline.Tests.Support;
using Iot.Protocol.Messages;
using Microsoft.Extensions.Time.Testing;
using static Iot.Cloud.Pipeline.Tests.Support.PipelineDatabase;

namespace Iot.Cloud.Pipeline.Tests.Dialogues;

public sealed class DialogueAdminTests
{
    [Fact]
    public async Task A_soft_deleted_dialogue_can_be_restored_and_both_steps_are_audited_with_actor_and_reason()
    {
        await using var db = await CreateAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(T0.AddDays(1)));
        var dialogueId = await DialogueAsync(db, time);
        var admin = new DialogueAdmin(db.DataSource, time);

        Assert.True(await admin.SoftDeleteAsync(Tenant, dialogueId, "alice@t1", "customer asked for erasure", CancellationToken.None));
        Assert.False(await admin.SoftDeleteAsync(Tenant, dialogueId, "alice@t1", "again", CancellationToken.None));
        await using var c = await db.DataSource.OpenConnectionAsync();
        var deleted = await c.QuerySingleAsync<(DateTime? At, string? By, string? Reason)>(
            "SELECT deleted_at, deleted_by, delete_reason FROM dialogues WHERE dialogue_id = @dialogueId", new { dialogueId });
        Assert.Equal((T0.AddDays(1), "alice@t1", "customer asked for erasure"), (deleted.At, deleted.By, deleted.Reason));

        time.Advance(TimeSpan.FromHours(1));
        Assert.True(await admin.RestoreAsync(Tenant, dialogueId, "bob@t1", "deleted the wrong visit", CancellationToken.None));

        var restored = await c.QuerySingleAsync<(DateTime? At, string? By, string? Reason)>(
            "SELECT deleted_at, deleted_by, delete_reason FROM dialogues WHERE dialogue_id = @dialogueId", new { dialogueId });
        Assert.Equal((null, null, null), restored);
        var audit = (await c.QueryAsync<(string Tenant, string Actor, string Action, string Target, string Details)>(
            "SELECT tenant_id, actor, action, target, details->>'reason' FROM audit_log ORDER BY audit_id")).ToList();
        Assert.Equal(
            [
                (Tenant, "alice@t1", "dialogue.delete", $"dialogue:{dialogueId}", "customer asked for erasure"),
                (Tenant, "bob@t1", "dialogue.restore", $"dialogue:{dialogueId}", "deleted the wrong visit"),
            ],
            audit);
    }

    [Fact]
    public async Task Deleting_without_a_reason_or_in_another_tenant_changes_nothing()
    {
        await using var db = await CreateAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(T0.AddDays(1)));
        var dialogueId = await DialogueAsync(db, time);
        var admin = new DialogueAdmin(db.DataSource, time);

        await Assert.ThrowsAsync<ArgumentException>(() => admin.SoftDeleteAsync(Tenant, dialogueId, "alice@t1", "  ", CancellationToken.None));
        Assert.False(await admin.SoftDeleteAsync("t2", dialogueId, "mallory@t2", "not mine", CancellationToken.None));

        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM dialogues WHERE deleted_at IS NOT NULL"));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM audit_log"));
    }

    private static async Task<Guid> DialogueAsync(PipelineDatabase db, FakeTimeProvider time)
    {
        await db.InsertChunkAsync(new TestChunk(0, new SpeechSegment(10_000, 20_000)));
        await new Handlers(db, time).BuildAsync();
        return Assert.Single(await DialogueRows.DialoguesAsync(db)).DialogueId;
    }
}
