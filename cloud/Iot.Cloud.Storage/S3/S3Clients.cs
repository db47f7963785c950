using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace Iot.Cloud.Storage.S3;

public static class S3Clients
{
    /// <summary>A client for validated <paramref name="options"/>.</summary>
    public static AmazonS3Client Create(S3StoreOptions options)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds),
            MaxErrorRetry = options.MaxRetries,
            // The SDK's default since 2025 adds CRC32 trailers to every PUT; Ceph before Reef (Debian 12 ships 16.2) and
            // other S3-compatible servers reject or mangle them. Integrity comes from Content-MD5 instead.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (string.IsNullOrEmpty(options.ServiceUrl))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        else
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = options.Region;
        }

        return string.IsNullOrEmpty(options.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }
}
