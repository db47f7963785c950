namespace Iot.Edge.Agent.Outbox;

/// <summary>Section <c>Spool</c>: how much unsent audio a device may hold before it sacrifices the oldest.</summary>
public sealed class SpoolOptions
{
    public const string Section = "Spool";

    public double MaxAgeDays { get; set; } = 30;

    public double MaxSizeGb { get; set; } = 2;

    public int CheckSeconds { get; set; } = 60;

    public long MaxBytes => (long)(MaxSizeGb * 1024 * 1024 * 1024);
}
