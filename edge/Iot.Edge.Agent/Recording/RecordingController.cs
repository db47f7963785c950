using Iot.Protocol.Topics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Agent.Recording;

/// <summary>
/// Decides, for every block of audio, whether it is recorded: branch and desk-user permissions first, then the
/// trigger (schedule, queue-system visit, or always). Queue events may come twice or out of order (a lost
/// visit_end, a retried visit_call): they are applied idempotently and never throw.
/// </summary>
public sealed partial class RecordingController
{
    private readonly RecordingPolicyStore _policy;
    private readonly RecorderStatus _status;
    private readonly TimeProvider _time;
    private readonly ILogger<RecordingController> _logger;
    private readonly Lock _gate = new();
    private Visit? _visit;
    private string? _deskUser;
    private (bool Record, RecordingPolicy Policy)? _manual;

    public RecordingController(RecordingPolicyStore policy, RecorderStatus status, TimeProvider time, ILogger<RecordingController> logger)
    {
        _policy = policy;
        _status = status;
        _time = time;
        _logger = logger;
    }

    public Visit? ActiveVisit
    {
        get
        {
            lock (_gate)
            {
                return _visit;
            }
        }
    }

    public UploadMode Upload => _policy.Current.Options.Upload;

    public RecordingDecision Evaluate()
    {
        var now = _time.GetUtcNow();
        var policy = _policy.Current;
        Visit? visit;
        string? user;
        bool? manual;
        lock (_gate)
        {
            visit = _visit;
            user = visit?.Operator ?? _deskUser;
            manual = _manual is { } m && ReferenceEquals(m.Policy, policy) ? m.Record : null;
        }

        if (manual == false)
        {
            return new(false, null, "manual-stop");
        }

        if (!policy.Options.BranchEnabled)
        {
            return new(false, null, "branch-disabled");
        }

        if (policy.Options.RequireDeskUser && user is null)
        {
            return new(false, null, "no-desk-user");
        }

        if (policy.Options.EnabledUsers.Count > 0 && user is not null && !policy.Options.EnabledUsers.Contains(user, StringComparer.Ordinal))
        {
            return new(false, null, "user-not-enabled");
        }

        if (manual == true)
        {
            return new(true, visit?.TransactionId, "manual-start", user);
        }

        return policy.Options.Trigger switch
        {
            RecordingTrigger.Always => new(true, null, "always", user),
            RecordingTrigger.Schedule => policy.Schedule.IsOpen(now) ? new(true, null, "in-schedule", user) : new(false, null, "outside-schedule"),
            _ => visit is null ? new(false, null, "no-visit") : new(true, visit.TransactionId, "visit", user),
        };
    }

    /// <summary>
    /// An operator's start/stop (cmd topic) that overrides the trigger until the policy next changes; permissions still
    /// apply to a start. Null clears it.
    /// </summary>
    public void SetManualOverride(bool? record)
    {
        lock (_gate)
        {
            _manual = record is { } r ? (r, _policy.Current) : null;
        }

        LogManual(record?.ToString() ?? "cleared");
    }

    public EventOutcome Handle(AgentEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (!AgentEvent.Types.Contains(e.Type))
        {
            return Reject(e, $"unknown event type '{e.Type}'");
        }

        if (e.TransactionId is not null && !TopicTree.IsValidId(e.TransactionId))
        {
            return Reject(e, "transactionId must be 1-64 of [a-z0-9_-]");
        }

        if (e.Operator is { Length: > 128 })
        {
            return Reject(e, "operator is longer than 128 characters");
        }

        EventOutcome outcome;
        lock (_gate)
        {
            outcome = e.Type switch
            {
                "login" => SetUser(e.Operator),
                "logout" => SetUser(null),
                "visit_call" or "visit_next" => StartVisit(e),
                _ => EndVisit(e),
            };
        }

        LogEvent(e.Type, e.TransactionId, outcome.Accepted, outcome.Message);
        if (outcome.Accepted && e.Type is "visit_call" or "visit_next")
        {
            var decision = Evaluate();
            if (!decision.Record)
            {
                _status.OnRefused(e.TransactionId, decision.Reason, _time.GetUtcNow());
                LogRefused(e.TransactionId, decision.Reason);
                return new EventOutcome(true, $"visit {e.TransactionId} noted, but recording is refused: {decision.Reason}");
            }
        }

        return outcome;
    }

    private EventOutcome SetUser(string? user)
    {
        if (user is not null && string.IsNullOrWhiteSpace(user))
        {
            return new(false, "login needs an operator");
        }

        _deskUser = user;
        return new(true, user is null ? "desk user logged out" : $"desk user {user} logged in");
    }

    private EventOutcome StartVisit(AgentEvent e)
    {
        if (e.TransactionId is null)
        {
            return new(false, $"{e.Type} needs a transactionId");
        }

        if (_visit?.TransactionId == e.TransactionId)
        {
            return new(true, $"visit {e.TransactionId} already active (repeated {e.Type})");
        }

        var previous = _visit;
        _visit = new Visit(e.TransactionId, e.Operator, _time.GetUtcNow());
        return new(true, previous is null
            ? $"visit {e.TransactionId} started"
            : $"visit {e.TransactionId} started; visit {previous.TransactionId} ended implicitly (its visit_end never came)");
    }

    private EventOutcome EndVisit(AgentEvent e)
    {
        if (_visit is null)
        {
            return new(true, $"no active visit; {e.Type} for {e.TransactionId ?? "(none)"} ignored");
        }

        if (e.TransactionId is not null && e.TransactionId != _visit.TransactionId)
        {
            return new(true, $"{e.Type} for {e.TransactionId} ignored: active visit is {_visit.TransactionId}");
        }

        var ended = _visit;
        _visit = null;
        return new(true, $"visit {ended.TransactionId} ended");
    }

    private EventOutcome Reject(AgentEvent e, string message)
    {
        LogEvent(e.Type, e.TransactionId, false, message);
        return new EventOutcome(false, message);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {Type} ({TransactionId}): accepted={Accepted}, {Message}")]
    private partial void LogEvent(string type, string? transactionId, bool accepted, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Manual recording override: {Record}")]
    private partial void LogManual(string record);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording of visit {TransactionId} refused: {Reason}")]
    private partial void LogRefused(string? transactionId, string reason);
}
