using Dapper;
using Iot.Cloud.Data.Dialogues;
using Iot.Cloud.Pipeline.Tests.Support;
using Iot.Protocol.Messages;
using Microsoft.Extensions.Time.Testing;
using static Iot.Cloud.Pipeline.Tests.Support.PipelineDatabase;

namespace Iot.Cloud.Pipeline.Tests.Dialogues;

/// <summary>
/// The one soft delete/restore (Iot.Cloud.Data DialogueDeletion) on the pipeline's schema, without the dashboard's role
/// and row security around it: the tenant in the statement is what keeps another tenant's dialogue out of reach.
/// </summary>
public sealed class DialogueDeletionTests
{
    [Fact]
    public async Task A_soft_deleted_dialogue_can_be_restored_and_both_steps_are_audited_with_actor_and_reason()
    {
        await using var db = await CreateAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(T0.AddDays(1)));
        var dialogueId = await DialogueAsync(db, time);
        await using var c = await db.DataSource.OpenConnectionAsync();

        Assert.Equal(1, await DialogueDeletion.SoftDeleteAsync(c, null, Tenant, dialogueId, "alice@t1", "customer asked for erasure", time.GetUtcNow(), CancellationToken.None));
        Assert.Equal(0, await DialogueDeletion.SoftDeleteAsync(c, null, Tenant, dialogueId, "alice@t1", "again", time.GetUtcNow(), CancellationToken.None));
        var deleted = await c.QuerySingleAsync<(DateTime? At, string? By, string? Reason)>(
            "SELECT deleted_at, deleted_by, delete_reason FROM dialogues WHERE dialogue_id = @dialogueId", new { dialogueId });
        Assert.Equal((T0.AddDays(1), "alice@t1", "customer asked for erasure"), (deleted.At, deleted.By, deleted.Reason));

        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await DialogueDeletion.RestoreAsync(c, null, Tenant, dialogueId, "bob@t1", time.GetUtcNow(), CancellationToken.None));
        Assert.Equal(0, await DialogueDeletion.RestoreAsync(c, null, Tenant, dialogueId, "bob@t1", time.GetUtcNow(), CancellationToken.None));

        var restored = await c.QuerySingleAsync<(DateTime? At, string? By, string? Reason, DateTime UpdatedAt)>(
            "SELECT deleted_at, deleted_by, delete_reason, updated_at FROM dialogues WHERE dialogue_id = @dialogueId", new { dialogueId });
        Assert.Equal((null, null, null, T0.AddDays(1).AddHours(1)), restored);
        var audit = (await c.QueryAsync<(string Tenant, string Actor, string Action, string Target, string? Reason)>(
            "SELECT tenant_id, actor, action, target, details->>'reason' FROM audit_log ORDER BY audit_id")).ToList();
        Assert.Equal(
            [
                (Tenant, "alice@t1", "dialogue-deleted", dialogueId.ToString(), "customer asked for erasure"),
                (Tenant, "bob@t1", "dialogue-restored", dialogueId.ToString(), null),
            ],
            audit);
    }

    [Fact]
    public async Task Deleting_without_a_reason_or_in_another_tenant_changes_nothing()
    {
        await using var db = await CreateAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(T0.AddDays(1)));
        var dialogueId = await DialogueAsync(db, time);
        await using var c = await db.DataSource.OpenConnectionAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => DialogueDeletion.SoftDeleteAsync(c, null, Tenant, dialogueId, "alice@t1", "  ", time.GetUtcNow(), CancellationToken.None));
        Assert.Equal(0, await DialogueDeletion.SoftDeleteAsync(c, null, "t2", dialogueId, "mallory@t2", "not mine", time.GetUtcNow(), CancellationToken.None));
        Assert.Equal(1, await DialogueDeletion.SoftDeleteAsync(c, null, Tenant, dialogueId, "alice@t1", "recorded by mistake", time.GetUtcNow(), CancellationToken.None));
        Assert.Equal(0, await DialogueDeletion.RestoreAsync(c, null, "t2", dialogueId, "mallory@t2", time.GetUtcNow(), CancellationToken.None));

        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM dialogues WHERE deleted_at IS NOT NULL"));
        Assert.Equal(["alice@t1"], await c.QueryAsync<string>("SELECT actor FROM audit_log"));
    }

    private static async Task<Guid> DialogueAsync(PipelineDatabase db, FakeTimeProvider time)
    {
        await db.InsertChunkAsync(new TestChunk(0, new SpeechSegment(10_000, 20_000)));
        await new Handlers(db, time).BuildAsync();
        return Assert.Single(await DialogueRows.DialoguesAsync(db)).DialogueId;
    }
}
