namespace Iot.Telemetry;

/// <summary>
/// Span and resource attribute names shared by every program, so a trace backend can search one key across the agent,
/// the bridge, the worker and the dashboard. <see cref="ChunkId"/> is the correlation key from device to dashboard.
/// </summary>
public static class IotAttributes
{
    public const string ChunkId = "iot.chunk_id";
    public const string ChunkIds = "iot.chunk_ids";
    public const string TenantId = "iot.tenant_id";
    public const string DeviceId = "iot.device_id";
    public const string Sequence = "iot.sequence";
    public const string DialogueId = "iot.dialogue_id";
    public const string JobId = "iot.job_id";
    public const string JobKind = "iot.job_kind";
    public const string Attempt = "iot.attempt";

    /// <summary>How the span's work ended, e.g. <c>stored</c>, <c>duplicate</c>, <c>rejected</c>, <c>timeout</c>.</summary>
    public const string Outcome = "iot.outcome";

    /// <summary>Most chunk ids put on one span: a long dialogue has hundreds, and backends cap attribute sizes anyway.</summary>
    public const int MaxChunkIds = 32;
}
