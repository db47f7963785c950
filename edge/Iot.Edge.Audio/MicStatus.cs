namespace Iot.Edge.Audio;

/// <summary>Live microphone state for health, telemetry and the status LED.</summary>
public sealed class MicStatus
{
    private readonly Lock _gate = new();

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

            if (state != MicState.Missing && State == MicState.Missing && Device is not null)
            {
                Reconnects++;
            }

            State = state;
            Device = device ?? Device;
            LastError = error;
        }

        Changed?.Invoke(this);
    }
}
