namespace Iot.Edge.Capture.Alsa.Interop;

/// <summary>One line of <c>arecord -l</c>: a card (stable <see cref="CardId"/>) and one of its capture devices.</summary>
internal sealed record AlsaCaptureEndpoint(int CardIndex, string CardId, string CardName, string LongName, string Driver, int Device, string DeviceName);
