using Iot.Edge.Agent.Gpio;
using Microsoft.Extensions.Logging;

namespace Iot.Edge.Agent.Provisioning;

/// <summary>
/// Sends the device back to the claim flow (button long press or the <c>reprovision</c> command): the credentials go,
/// the outbox stays. Also wakes a provisioning backoff early, so a technician need not wait out a rejection.
/// </summary>
public sealed partial class Reprovisioner : IDisposable
{
    private readonly DeviceIdentityStore _identity;
    private readonly IReprovisionRequest _requests;
    private readonly TimeProvider _time;
    private readonly ILogger<Reprovisioner> _logger;
    private readonly Lock _gate = new();
    private TaskCompletionSource _kick = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Reprovisioner(DeviceIdentityStore identity, IReprovisionRequest requests, TimeProvider time, ILogger<Reprovisioner> logger)
    {
        _identity = identity;
        _requests = requests;
        _time = time;
        _logger = logger;
        _requests.Requested += OnRequested;
    }

    public bool CanReprovision => _identity.ProvisioningEnabled;

    /// <summary>Null on success, else why it cannot be done.</summary>
    public string? Reprovision(string source)
    {
        if (!_identity.ProvisioningEnabled)
        {
            LogNotConfigured(source);
            return "provisioning is not configured (Provisioning:ClaimPath)";
        }

        if (_identity.Current is not null)
        {
            _identity.Delete();
        }

        TaskCompletionSource kick;
        lock (_gate)
        {
            kick = _kick;
            _kick = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        kick.TrySetResult();
        LogReprovisioning(source);
        return null;
    }

    /// <summary>Waits <paramref name="delay"/>, or less if a re-provision is asked for meanwhile.</summary>
    public async Task WaitAsync(TimeSpan delay, CancellationToken ct)
    {
        Task kick;
        lock (_gate)
        {
            kick = _kick.Task;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await Task.WhenAny(Task.Delay(delay, _time, cts.Token), kick).ConfigureAwait(false);
        await cts.CancelAsync().ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
    }

    public void Dispose() => _requests.Requested -= OnRequested;

    private void OnRequested(string source)
    {
        try
        {
            Reprovision(source);
        }
        catch (IOException ex)
        {
            LogFailed(ex, source);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-provisioning ({Source}): credentials removed, claim flow starts; the outbox is kept")]
    private partial void LogReprovisioning(string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-provisioning asked by {Source}, but provisioning is not configured")]
    private partial void LogNotConfigured(string source);

    [LoggerMessage(Level = LogLevel.Error, Message = "Re-provisioning asked by {Source} failed")]
    private partial void LogFailed(Exception exception, string source);
}
