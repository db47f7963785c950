namespace Iot.Edge.Tests.Transcription;

/// <summary>
/// Tests that run the recogniser take turns: whisper.cpp's OpenMP threads spin while they wait, so two runs sharing
/// the cores slow each other down many times over.
/// </summary>
[CollectionDefinition(Name)]
public sealed class WhisperCollection
{
    public const string Name = "whisper";
}
