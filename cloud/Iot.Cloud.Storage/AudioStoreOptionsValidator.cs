using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Storage;

/// <summary>Start-up checks of a storage section; each failure names the full key (<c>Storage:S3:Bucket</c>).</summary>
public sealed partial class AudioStoreOptionsValidator : IValidateOptions<AudioStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, AudioStoreOptions options)
    {
        // Named options only: every registration names the instance after its configuration section.
        if (string.IsNullOrEmpty(name))
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = Failures(name, options).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public static IEnumerable<string> Failures(string section, AudioStoreOptions o)
    {
        if (!Enum.IsDefined(o.Kind))
        {
            yield return $"{section}:Kind must be Local or S3";
            yield break;
        }

        if (o.Kind == AudioStoreKind.Local)
        {
            if (string.IsNullOrWhiteSpace(o.Root))
            {
                yield return $"{section}:Root must be set (Kind=Local keeps audio under it)";
            }

            yield break;
        }

        var s3 = o.S3;
        var key = $"{section}:S3";
        if (!string.IsNullOrEmpty(s3.ServiceUrl)
            && (!Uri.TryCreate(s3.ServiceUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.AbsolutePath != "/" || url.Query.Length > 0))
        {
            yield return $"{key}:ServiceUrl '{s3.ServiceUrl}' must be an http:// or https:// URL with no path (e.g. http://rgw.internal:7480)";
        }

        if (string.IsNullOrWhiteSpace(s3.Bucket))
        {
            yield return $"{key}:Bucket must be set (Kind=S3)";
        }
        else if (!BucketName().IsMatch(s3.Bucket) || s3.Bucket.Contains("..", StringComparison.Ordinal))
        {
            yield return $"{key}:Bucket '{s3.Bucket}' is not a valid bucket name (3-63 characters: a-z, 0-9, '.', '-'; starting and ending with a letter or digit)";
        }

        if (string.IsNullOrEmpty(s3.AccessKey) != string.IsNullOrEmpty(s3.SecretKey))
        {
            yield return string.IsNullOrEmpty(s3.AccessKey)
                ? $"{key}:AccessKey must be set when {key}:SecretKey is"
                : $"{key}:SecretKey must be set when {key}:AccessKey is";
        }

        if (string.IsNullOrWhiteSpace(s3.Region))
        {
            yield return $"{key}:Region must be set (any value for radosgw or MinIO, e.g. us-east-1)";
        }

        if (s3.Prefix.Length > 0 && (s3.Prefix.StartsWith('/') || s3.Prefix.Contains('\\', StringComparison.Ordinal)))
        {
            yield return $"{key}:Prefix '{s3.Prefix}' must be relative and use '/'";
        }

        if (s3.TimeoutSeconds is < 1 or > 3600)
        {
            yield return $"{key}:TimeoutSeconds must be 1..3600";
        }

        if (s3.MaxRetries is < 0 or > 20)
        {
            yield return $"{key}:MaxRetries must be 0..20";
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketName();
}
