using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Iot.Cloud.Pipeline.Jobs;

/// <summary>
/// Claims jobs and runs them on the registered <see cref="IJobHandler"/>s, up to <c>Concurrency</c> at once. Wakes on
/// NOTIFY, polls as a fallback, renews the leases it holds and returns expired leases of vanished workers. Any
/// number of workers, in any number of processes, can share one queue.
/// </summary>
public sealed partial class JobWorker : BackgroundService
{
    private readonly PostgresJobQueue _queue;
    private readonly NpgsqlDataSource _dataSource;
    private readonly Dictionary<string, IJobHandler> _handlers;
    private readonly JobWorkerOptions _options;
    private readonly JobMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<JobWorker> _logger;
    private readonly ConcurrentDictionary<long, RunningJob> _running = new();
    private readonly JobWakeSignal _wake = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public JobWorker(
        PostgresJobQueue queue,
        NpgsqlDataSource dataSource,
        IEnumerable<IJobHandler> handlers,
        IOptions<JobWorkerOptions> options,
        JobMetrics metrics,
        TimeProvider time,
        ILogger<JobWorker> logger)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        ArgumentNullException.ThrowIfNull(options);
        _queue = queue;
        _dataSource = dataSource;
        _handlers = handlers.ToDictionary(h => h.Kind, StringComparer.Ordinal);
        _options = options.Value;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    public string WorkerId => _options.WorkerId;

    /// <summary>Completes once this worker hears NOTIFYs (its first LISTEN is in place).</summary>
    public Task Listening => _listening.Task;

    /// <summary>Jobs this worker is running right now.</summary>
    public int InFlight => _running.Count;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            LogDisabled(JobWorkerOptions.Section);
            return;
        }

        var kinds = ClaimableKinds();
        if (kinds is { Count: 0 })
        {
            LogNoHandlers(_options.WorkerId);
            return;
        }

        LogStarted(_options.WorkerId, kinds is null ? "*" : string.Join(",", kinds), _options.Concurrency, _options.LeaseSeconds);
        var listener = new JobNotificationListener(_dataSource, _wake, kind => kinds is null || kinds.Contains(kind), _time, _logger);
        _ = listener.Listening.ContinueWith(_ => _listening.TrySetResult(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        using var maintenanceStop = new CancellationTokenSource();
        var listening = ListenAsync(listener, stoppingToken);
        var maintenance = MaintainLeasesAsync(maintenanceStop.Token);
        try
        {
            await DispatchAsync(kinds, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            await DrainAsync().ConfigureAwait(false);
            await maintenanceStop.CancelAsync().ConfigureAwait(false);
            await maintenance.ConfigureAwait(false);
            await listening.ConfigureAwait(false);
            LogStopped(_options.WorkerId);
        }
    }

    /// <summary>Null = every kind; otherwise the kinds to claim (empty = nothing this process can run).</summary>
    private IReadOnlyCollection<string>? ClaimableKinds() =>
        _options.AllKinds ? null
        : _options.Kinds.Count > 0 ? _options.Kinds.Distinct(StringComparer.Ordinal).ToList()
        : _handlers.Keys.ToList();

    private async Task DispatchAsync(IReadOnlyCollection<string>? kinds, CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromSeconds(_options.PollSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var free = _options.Concurrency - _running.Count;
                if (free > 0)
                {
                    var jobs = await _queue.ClaimAsync(_options.WorkerId, free, _options.Lease, kinds, stoppingToken).ConfigureAwait(false);
                    _metrics.OnClaimed(jobs.Count);
                    foreach (var job in jobs)
                    {
                        Start(job);
                    }

                    if (jobs.Count == free)
                    {
                        // A full batch: more may be ready; wait only for a free slot.
                        continue;
                    }
                }

                await _wake.WaitAsync(poll, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogDispatchFailed(ex, poll.TotalSeconds);
                await DelayAsync(poll, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private void Start(ClaimedJob job)
    {
        var running = new RunningJob(job);
        _running[job.JobId] = running;
        running.Task = Task.Run(() => RunAsync(running));
    }

    private async Task RunAsync(RunningJob running)
    {
        var job = running.Job;
        using var activity = JobTracing.Start(job);
        using var scope = _logger.BeginScope(new Dictionary<string, object> { ["JobId"] = job.JobId, ["JobKind"] = job.Kind });
        try
        {
            await JobTracing.AddChunkIdsAsync(activity, _dataSource, running.Cancellation.Token).ConfigureAwait(false);
            if (!_handlers.TryGetValue(job.Kind, out var handler))
            {
                JobTracing.End(activity, "no-handler");
                running.Finishing = true;
                var error = $"no handler registered for job kind '{job.Kind}' on worker {_options.WorkerId} (handlers: {(_handlers.Count == 0 ? "none" : string.Join(", ", _handlers.Keys.Order(StringComparer.Ordinal)))})";
                if (await _queue.DeadLetterAsync(job, _options.WorkerId, error, CancellationToken.None).ConfigureAwait(false))
                {
                    _metrics.OnDead();
                    LogUnknownKind(job.JobId, job.Kind);
                }

                return;
            }

            JobOutcome outcome;
            try
            {
                outcome = await handler.HandleAsync(job, running.Cancellation.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (running.Cancellation.IsCancellationRequested)
            {
                JobTracing.End(activity, "cancelled");
                running.Finishing = true;
                await OnCancelledAsync(running).ConfigureAwait(false);
                return;
            }
            catch (Exception ex)
            {
                JobTracing.End(activity, "failed", ex);
                running.Finishing = true;
                await RecordFailureAsync(running, ex).ConfigureAwait(false);
                return;
            }

            JobTracing.End(activity, outcome switch
            {
                JobOutcome.Completed => "completed",
                JobOutcome.Waiting => "waiting",
                JobOutcome.Deferred => "deferred",
                _ => outcome.GetType().Name,
            });
            running.Finishing = true;
            await RecordOutcomeAsync(running, outcome).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The lease runs out and the reaper gives the job to another attempt.
            LogOutcomeNotRecorded(ex, job.JobId, job.Kind);
        }
        finally
        {
            _running.TryRemove(job.JobId, out _);
            running.Cancellation.Dispose();
            _wake.Set();
        }
    }

    private async Task OnCancelledAsync(RunningJob running)
    {
        var job = running.Job;
        if (running.LeaseLost)
        {
            LogAbandoned(job.JobId, job.Kind);
            return;
        }

        if (await _queue.ReleaseAsync(job, _options.WorkerId, CancellationToken.None).ConfigureAwait(false))
        {
            _metrics.OnReleased();
            LogReleased(job.JobId, job.Kind);
        }
    }

    private async Task RecordOutcomeAsync(RunningJob running, JobOutcome outcome)
    {
        var job = running.Job;
        var id = _options.WorkerId;
        switch (outcome)
        {
            case JobOutcome.Completed:
                if (await _queue.CompleteAsync(job, id, CancellationToken.None).ConfigureAwait(false))
                {
                    _metrics.OnCompleted();
                    return;
                }

                break;
            case JobOutcome.Waiting waiting:
                if (await _queue.WaitAsync(job, id, waiting.Reason, CancellationToken.None).ConfigureAwait(false))
                {
                    _metrics.OnWaiting();
                    LogWaiting(job.JobId, job.Kind, waiting.Reason);
                    return;
                }

                break;
            case JobOutcome.Deferred deferred:
                if (await _queue.DeferAsync(job, id, deferred.Delay, CancellationToken.None).ConfigureAwait(false))
                {
                    _metrics.OnDeferred();
                    return;
                }

                break;
            default:
                await RecordFailureAsync(running, new InvalidOperationException($"handler for '{job.Kind}' returned an unknown outcome {outcome.GetType().Name}")).ConfigureAwait(false);
                return;
        }

        _metrics.OnLeaseLost();
        LogOutcomeDropped(job.JobId, job.Kind);
    }

    private async Task RecordFailureAsync(RunningJob running, Exception ex)
    {
        var job = running.Job;
        var retryDelay = JobBackoff.Delay(
            job.Attempt,
            TimeSpan.FromSeconds(_options.RetryBaseSeconds),
            TimeSpan.FromSeconds(_options.RetryMaxSeconds),
#pragma warning disable CA5394 // Jitter spreads retries; it guards nothing.
            Random.Shared.NextDouble());
#pragma warning restore CA5394
        var result = await _queue.FailAsync(job, _options.WorkerId, JobErrors.Describe(ex), JobErrors.RawReply(ex), retryDelay, CancellationToken.None).ConfigureAwait(false);
        switch (result)
        {
            case FailureResult.Dead:
                _metrics.OnFailed();
                _metrics.OnDead();
                LogDead(ex, job.JobId, job.Kind, job.Attempt);
                break;
            case FailureResult.WillRetry:
                _metrics.OnFailed();
                LogRetrying(ex, job.JobId, job.Kind, job.Attempt, job.MaxAttempts, retryDelay.TotalSeconds);
                break;
            default:
                _metrics.OnLeaseLost();
                LogOutcomeDropped(job.JobId, job.Kind);
                break;
        }
    }

    /// <summary>Renews the leases this worker holds and takes back expired ones of vanished workers.</summary>
    private async Task MaintainLeasesAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await RenewAsync(cancellationToken).ConfigureAwait(false);
                    await ReapAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    LogMaintenanceFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        var held = _running.Values.Where(r => !r.Finishing).ToList();
        if (held.Count == 0)
        {
            return;
        }

        var renewed = await _queue.RenewLeasesAsync(_options.WorkerId, held.Select(r => r.Job).ToList(), _options.Lease, cancellationToken).ConfigureAwait(false);
        foreach (var lost in held.Where(r => !renewed.Contains(r.Job.JobId) && !r.Finishing))
        {
            // Someone reaped it (this process stalled past the lease); stop working on a job another worker may own.
            lost.LeaseLost = true;
            _metrics.OnLeaseLost();
            LogLeaseLost(lost.Job.JobId, lost.Job.Kind);
            lost.Cancel();
        }
    }

    private async Task ReapAsync(CancellationToken cancellationToken)
    {
        var reaped = await _queue.ReapExpiredAsync(100, cancellationToken).ConfigureAwait(false);
        if (reaped.Count == 0)
        {
            return;
        }

        foreach (var job in reaped)
        {
            LogReaped(job.JobId, job.Kind, job.Dead ? "dead" : "queued");
            if (job.Dead)
            {
                _metrics.OnDead();
            }
        }

        _metrics.OnReaped(reaped.Count);
        _wake.Set();
    }

    /// <summary>Lets running jobs finish for <c>DrainSeconds</c>, then cancels them; cancelled jobs go back to the queue.</summary>
    private async Task DrainAsync()
    {
        var running = _running.Values.ToList();
        if (running.Count == 0)
        {
            return;
        }

        LogDraining(running.Count, _options.DrainSeconds);
        var all = Task.WhenAll(running.Select(r => r.Task!));
        if (await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(_options.DrainSeconds), _time)).ConfigureAwait(false) == all)
        {
            return;
        }

        foreach (var r in running)
        {
            r.Cancel();
        }

        // Handlers that ignore cancellation keep their lease until it expires; the reaper then retries them.
        await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(10), _time)).ConfigureAwait(false);
    }

    private async Task ListenAsync(JobNotificationListener listener, CancellationToken stoppingToken)
    {
        try
        {
            await listener.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogListenerEnded(ex);
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private sealed class RunningJob(ClaimedJob job)
    {
        public ClaimedJob Job { get; } = job;

        public CancellationTokenSource Cancellation { get; } = new();

        public Task? Task { get; set; }

        /// <summary>The handler returned; its outcome is being written, so the lease no longer needs renewing.</summary>
        public volatile bool Finishing;

        public volatile bool LeaseLost;

        public void Cancel()
        {
            try
            {
                Cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Finished meanwhile.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job workers disabled ({Section}:Enabled is false)")]
    private partial void LogDisabled(string section);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job worker {WorkerId} idle: no job handlers registered in this process")]
    private partial void LogNoHandlers(string workerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job worker {WorkerId} started: kinds {Kinds}, concurrency {Concurrency}, lease {LeaseSeconds} s")]
    private partial void LogStarted(string workerId, string kinds, int concurrency, int leaseSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job worker {WorkerId} stopped")]
    private partial void LogStopped(string workerId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Claiming jobs failed; trying again in {RetrySeconds} s")]
    private partial void LogDispatchFailed(Exception exception, double retrySeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} ({Kind}) dead-lettered: no handler for this kind")]
    private partial void LogUnknownKind(long jobId, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} ({Kind}) attempt {Attempt}/{MaxAttempts} failed; retry in {RetrySeconds:0.#} s")]
    private partial void LogRetrying(Exception exception, long jobId, string kind, int attempt, int maxAttempts, double retrySeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} ({Kind}) dead-lettered after attempt {Attempt}")]
    private partial void LogDead(Exception exception, long jobId, string kind, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} ({Kind}) waiting: {Reason}")]
    private partial void LogWaiting(long jobId, string kind, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} ({Kind}) released to the queue unfinished (worker stopping)")]
    private partial void LogReleased(long jobId, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} ({Kind}) lease lost; cancelling it here")]
    private partial void LogLeaseLost(long jobId, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} ({Kind}) abandoned after its lease was lost")]
    private partial void LogAbandoned(long jobId, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} ({Kind}) outcome dropped: the lease was lost meanwhile")]
    private partial void LogOutcomeDropped(long jobId, string kind);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} ({Kind}) outcome could not be recorded; it is retried once its lease expires")]
    private partial void LogOutcomeNotRecorded(Exception exception, long jobId, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} ({Kind}) had an expired lease (worker gone); now {Status}")]
    private partial void LogReaped(long jobId, string kind, string status);

    [LoggerMessage(Level = LogLevel.Error, Message = "Lease renewal or reaping failed")]
    private partial void LogMaintenanceFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job notification listener ended")]
    private partial void LogListenerEnded(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: letting {Count} running job(s) finish for up to {DrainSeconds} s")]
    private partial void LogDraining(int count, double drainSeconds);
}
