namespace Iot.Cloud.Pipeline.Jobs;

/// <summary>Section <c>Pipeline:Workers</c>: the job workers of this process (bridge in-process or iot-worker).</summary>
public sealed class JobWorkerOptions
{
    public const string Section = "Pipeline:Workers";

    public bool Enabled { get; set; } = true;

    /// <summary>Jobs this process runs at once.</summary>
    public int Concurrency { get; set; } = 2;

    /// <summary>How long a claim lasts without renewal; a crashed worker's job is retried after about this long.</summary>
    public int LeaseSeconds { get; set; } = 60;

    /// <summary>Fallback when a NOTIFY is missed (listener reconnecting); delayed retries are also found this way.</summary>
    public double PollSeconds { get; set; } = 5;

    /// <summary>Shown in <c>jobs.locked_by</c>; unique per process. Default: machine name and process id.</summary>
    public string WorkerId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}".ToLowerInvariant();

    /// <summary>
    /// Kinds this process claims. Empty = every kind it has a handler for. <c>*</c> = every kind; jobs of a kind
    /// without a handler are then dead-lettered (one process can sweep up jobs nobody can run).
    /// </summary>
    public List<string> Kinds { get; set; } = [];

    /// <summary>First retry delay after a failure; doubles per attempt, with jitter, up to <see cref="RetryMaxSeconds"/>.</summary>
    public double RetryBaseSeconds { get; set; } = 10;

    public double RetryMaxSeconds { get; set; } = 3600;

    /// <summary>On stop, running jobs get this long to finish; the rest are cancelled and given back to the queue.</summary>
    public double DrainSeconds { get; set; } = 20;

    /// <summary>
    /// Minutes between two passes that put waiting transcription and analysis jobs back in the queue (0 = off), so a
    /// dialogue that waited for a transcriber, a language model or a profile is picked up once one is configured. A
    /// job still blocked simply waits again; deleted dialogues are left to their restore trigger.
    /// </summary>
    public double ResumeWaitingMinutes { get; set; } = 10;

    /// <summary>Seconds between two logged metrics lines (0 = off).</summary>
    public int MetricsLogSeconds { get; set; } = 60;

    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);

    /// <summary>Several renewals per lease, so one slow round trip does not lose it.</summary>
    public TimeSpan HeartbeatInterval => TimeSpan.FromSeconds(Math.Max(0.2, LeaseSeconds / 3.0));

    public bool AllKinds => Kinds.Contains("*");
}
