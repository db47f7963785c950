namespace Iot.TestSupport;

/// <summary>Where the Silero VAD model was put by edge/scripts/fetch-vad-model.sh; missing is a failure, never a skip.</summary>
public static class VadModelFile
{
    public static string Locate()
    {
        var path = Environment.GetEnvironmentVariable("IOT_VAD_MODEL") is { Length: > 0 } configured
            ? configured
            : Path.Combine(RepoPaths.Root, ".cache", "models", "silero_vad_v5.onnx");
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"Silero VAD model not found at {path}; run 'bash edge/scripts/fetch-vad-model.sh' (tests/test.sh does) or set IOT_VAD_MODEL");
    }
}
