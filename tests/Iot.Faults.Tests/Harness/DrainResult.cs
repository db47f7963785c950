namespace Iot.Faults.Tests.Harness;

/// <param name="Drain">From the agents' upload-only restart until every chunk was stored and acked.</param>
/// <param name="RecordedPerDevice">Each device's last sequence, read from its stopped outbox.</param>
public sealed record DrainResult(Ledger Ledger, TimeSpan Drain, IReadOnlyDictionary<string, long> RecordedPerDevice);
