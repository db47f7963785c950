namespace Iot.Edge.Audio;

/// <summary>Live microphone state for health, telemetry and the status LED.</summary>
public sealed class MicStatus
{
    private readonly Lock _gate = new();
    private bool _hasStreamed;

    public MicState State { get; private set; } = MicState.Missing;

    public AudioDeviceInfo? Device { get; private set; }

    public string? LastError { get; private set; }

    public int Reconnects { get; private set; }

    public event Action<MicStatus>? Changed;

    internal void Set(MicState state, AudioDeviceInfo? device, string? error = null)
    {
        lock (_gate)
        {
            if (state == State && device == Device && error == LastError)
            {
                return;
            }

            // A reconnect is a return after streaming had begun, not a first open that needed a few tries.
            if (state != MicState.Missing && State == MicState.Missing && _hasStreamed)
            {
                Reconnects++;
            }

            _hasStreamed |= state == MicState.Streaming;

            State = state;
            Device = device ?? Device;
            LastError = error;
        }

        Changed?.Invoke(this);
    }
}
