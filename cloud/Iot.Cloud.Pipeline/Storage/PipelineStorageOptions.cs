namespace Iot.Cloud.Pipeline.Storage;

/// <summary>
/// Section <c>Pipeline:Storage</c>: the bridge's storage root (its <c>Storage:Root</c>), where chunks.storage_path
/// is relative to. Workers on other machines mount the same folder.
/// </summary>
public sealed class PipelineStorageOptions
{
    public const string Section = "Pipeline:Storage";

    public string Root { get; set; } = "/var/lib/iot-bridge";

    public string FullPath(string storagePath)
    {
        var root = Path.GetFullPath(Root);
        var full = Path.GetFullPath(Path.Combine(root, storagePath));

        // storage_path comes from the database; a path escaping the root would let a bad row delete arbitrary files.
        if (!full.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"storage path '{storagePath}' leaves the storage root");
        }

        return full;
    }
}
