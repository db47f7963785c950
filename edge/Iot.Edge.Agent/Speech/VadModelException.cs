namespace Iot.Edge.Agent.Speech;

/// <summary>The configured Silero model cannot be used; the message names the file and what is wrong with it.</summary>
public sealed class VadModelException(string message, Exception? inner = null) : Exception(message, inner);
