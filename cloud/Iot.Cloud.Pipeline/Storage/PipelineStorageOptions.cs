namespace Iot.Cloud.Pipeline.Storage;

/// <summary>
/// Section <c>Pipeline:Storage</c> of a worker: the same audio store the bridges write (see
/// <see cref="Iot.Cloud.Storage.AudioStoreOptions"/>: <c>Kind</c>, <c>Root</c>, <c>S3:*</c>). With <c>Kind=Local</c>,
/// <see cref="Root"/> is the bridge's <c>Storage:Root</c> as this machine mounts it; with <c>Kind=S3</c> the worker
/// shares nothing with the bridges but the bucket. Workers inside a bridge use the bridge's store.
/// </summary>
public sealed class PipelineStorageOptions
{
    public const string Section = "Pipeline:Storage";

    /// <summary>The default <see cref="Root"/>: where the packaged bridge keeps its data.</summary>
    public const string DefaultRoot = "/var/lib/iot-bridge";

    public Iot.Cloud.Storage.AudioStoreKind Kind { get; set; } = Iot.Cloud.Storage.AudioStoreKind.Local;

    public string Root { get; set; } = DefaultRoot;
}
