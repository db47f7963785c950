namespace Iot.Cloud.Pipeline.Dialogues;

/// <summary>
/// Soft-deleted dialogues are kept but not processed: transcription and analysis jobs park as <c>waiting</c> with this
/// reason, and restoring the dialogue (from any writer) queues them again through a trigger (migration 0043).
/// </summary>
public static class DeletedDialogue
{
    public const string WaitReason = "dialogue deleted: restoring it resumes this job";
}
