namespace Iot.Edge.Agent.Gpio;

/// <summary>
/// A technician asked (long button press) for this device to be provisioned again. The GPIO service calls
/// <see cref="Request"/>; provisioning subscribes to <see cref="Requested"/> (or replaces the registration).
/// </summary>
public interface IReprovisionRequest
{
    event Action<string>? Requested;

    /// <summary><paramref name="source"/> names who asked, e.g. "button", for the log and the provisioning record.</summary>
    void Request(string source);
}
