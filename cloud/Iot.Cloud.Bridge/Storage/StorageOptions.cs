namespace Iot.Cloud.Bridge.Storage;

public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Directory under which <c>recordings/YYYY-MM-DD/{device}/…</c> is written.</summary>
    public string Root { get; set; } = "data";
}
