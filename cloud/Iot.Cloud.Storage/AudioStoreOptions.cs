namespace Iot.Cloud.Storage;

public enum AudioStoreKind
{
    /// <summary>Files under <see cref="AudioStoreOptions.Root"/>: one machine, or a filesystem every process mounts.</summary>
    Local,

    /// <summary>An S3-compatible bucket (Ceph radosgw, MinIO, Garage, AWS): processes share nothing but the bucket.</summary>
    S3,
}

/// <summary>
/// The audio store of one process, bound from its storage section (the bridge's <c>Storage</c>, the worker's
/// <c>Pipeline:Storage</c>). The options instance is named after that section, so messages quote the full key.
/// </summary>
public sealed class AudioStoreOptions
{
    public AudioStoreKind Kind { get; set; } = AudioStoreKind.Local;

    /// <summary>Kind=Local: the directory <c>recordings/…</c> lives under.</summary>
    public string Root { get; set; } = "";

    public S3StoreOptions S3 { get; set; } = new();
}

public sealed class S3StoreOptions
{
    /// <summary>The endpoint, e.g. <c>http://rgw.internal:7480</c>; empty = AWS itself, in <see cref="Region"/>.</summary>
    public string ServiceUrl { get; set; } = "";

    public string Bucket { get; set; } = "";

    /// <summary>Prepended to every key (e.g. <c>site-a/</c>) so several installations can share one bucket.</summary>
    public string Prefix { get; set; } = "";

    /// <summary>With <see cref="SecretKey"/>; both empty = the SDK's own chain (environment, instance role).</summary>
    public string AccessKey { get; set; } = "";

    public string SecretKey { get; set; } = "";

    /// <summary>Signing region; radosgw and MinIO accept the default.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>
    /// <c>http://host/bucket/key</c> rather than <c>http://bucket.host/key</c>: what radosgw, MinIO and Garage
    /// serve without wildcard DNS.
    /// </summary>
    public bool ForcePathStyle { get; set; } = true;

    /// <summary>Per request, retries excluded.</summary>
    public int TimeoutSeconds { get; set; } = 30;

    public int MaxRetries { get; set; } = 3;
}
