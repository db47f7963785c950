namespace Iot.Protocol.Messages;

/// <summary>Per-tenant fleet health, retained on <c>iot/fleet/v1/{tenant}/summary</c> for operators and dashboards.</summary>
public sealed record FleetSummary
{
    public required string TenantId { get; init; }

    public required int Devices { get; init; }

    public required int Online { get; init; }

    public int MicMissing { get; init; }

    public int PendingProvisioning { get; init; }

    public long BacklogChunks { get; init; }

    public required DateTimeOffset AtUtc { get; init; }
}
