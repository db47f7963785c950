namespace Iot.Cloud.Pipeline.Retention;

/// <summary>Section <c>Pipeline:Retention</c>.</summary>
public sealed class RetentionOptions
{
    public const string Section = "Pipeline:Retention";

    /// <summary>Audio older than this is deleted unless the tenant sets tenant_settings.audio_retention_days. Text and results stay.</summary>
    public int AudioRetentionDays { get; set; } = 90;

    /// <summary>Whether this process enqueues the daily retention job (any number of processes may; the date dedups them).</summary>
    public bool SchedulerEnabled { get; set; } = true;

    /// <summary>How often the scheduler checks whether today's job has been enqueued.</summary>
    public int SchedulerCheckMinutes { get; set; } = 60;

    /// <summary>Chunks purged per transaction; bounds lock time and how much a crash can leave half-done.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>
    /// Whole UTC months of chunks, segments and dialogues (with their transcripts and analyses) kept before the
    /// current month; older monthly partitions are dropped by the daily job. 0 = never drop (the default: text is
    /// kept forever). Chunk months are also kept until the longest tenant audio retention has passed them.
    /// </summary>
    public int PartitionMonths { get; set; }

    /// <summary>Monthly partitions kept created ahead of the current month (the daily job and every start-up).</summary>
    public int PartitionMonthsAhead { get; set; } = 3;

    /// <summary>UTC days of recordings (by chunk start, today included) the daily job searches for orphan audio; 0 = no sweep.</summary>
    public int OrphanSweepDays { get; set; } = 7;

    /// <summary>Audio younger than this is never an orphan: its batch may still be between the PUT and the commit.</summary>
    public int OrphanGraceMinutes { get; set; } = 60;
}
