namespace Iot.Cloud.Pipeline.Retention;

/// <summary>How the retention job signs its <c>audit_log</c> rows (system actions, dotted, unlike the people's in <c>AuditActions</c>).</summary>
internal static class RetentionAudit
{
    public const string Actor = "system:retention";

    /// <summary>One tenant's audio purge (target <c>audio</c>; details: the run's report).</summary>
    public const string Run = "retention.run";

    /// <summary>One monthly partition dropped (target <c>table:partition</c>, no tenant).</summary>
    public const string PartitionDrop = "retention.partition_drop";
}
