using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Storage.Tests;

public class AudioStoreOptionsTests
{
    private static Dictionary<string, string?> ValidS3(string section) => new()
    {
        [$"{section}:Kind"] = "S3",
        [$"{section}:S3:ServiceUrl"] = "http://127.0.0.1:7480",
        [$"{section}:S3:Bucket"] = "iot-audio",
        [$"{section}:S3:AccessKey"] = "AK",
        [$"{section}:S3:SecretKey"] = "SK",
    };

    private static IAudioStore Resolve(Dictionary<string, string?> settings, string section)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddAudioStore(configuration, section, o => o.Root = "/var/lib/iot-bridge");
        using var provider = services.BuildServiceProvider();
        // What ValidateOnStart runs at host start.
        _ = provider.GetRequiredService<IOptionsMonitor<AudioStoreOptions>>().Get(section);
        return provider.GetRequiredService<IAudioStore>();
    }

    [Theory]
    [InlineData("S3:Bucket", "", "Storage:S3:Bucket must be set")]
    [InlineData("S3:Bucket", "Bad_Bucket", "Storage:S3:Bucket 'Bad_Bucket'")]
    [InlineData("S3:Bucket", "ab", "Storage:S3:Bucket 'ab'")]
    [InlineData("S3:ServiceUrl", "rgw.internal:7480", "Storage:S3:ServiceUrl")]
    [InlineData("S3:ServiceUrl", "ftp://rgw.internal", "Storage:S3:ServiceUrl")]
    [InlineData("S3:ServiceUrl", "http://rgw.internal:7480/iot-audio", "Storage:S3:ServiceUrl")]
    [InlineData("S3:SecretKey", "", "Storage:S3:SecretKey must be set when Storage:S3:AccessKey is")]
    [InlineData("S3:AccessKey", "", "Storage:S3:AccessKey must be set when Storage:S3:SecretKey is")]
    [InlineData("S3:Region", "", "Storage:S3:Region")]
    [InlineData("S3:Prefix", "/abs/", "Storage:S3:Prefix")]
    [InlineData("S3:TimeoutSeconds", "0", "Storage:S3:TimeoutSeconds")]
    [InlineData("S3:MaxRetries", "-1", "Storage:S3:MaxRetries")]
    public void A_bad_S3_setting_fails_validation_naming_its_key(string key, string value, string expected)
    {
        var settings = ValidS3("Storage");
        settings[$"Storage:{key}"] = value;

        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(settings, "Storage"));

        Assert.Contains(ex.Failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Messages_name_the_section_of_the_process_that_reads_them()
    {
        var settings = ValidS3("Pipeline:Storage");
        settings["Pipeline:Storage:S3:Bucket"] = "";

        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(settings, "Pipeline:Storage"));

        Assert.Contains(ex.Failures, f => f.StartsWith("Pipeline:Storage:S3:Bucket must be set", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_kind_is_refused_naming_the_key()
    {
        var settings = ValidS3("Storage");
        settings["Storage:Kind"] = "Floppy";

        var ex = Assert.ThrowsAny<InvalidOperationException>(() => Resolve(settings, "Storage"));

        Assert.Contains("Storage:Kind", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_kind_the_store_is_the_local_directory_with_the_process_default_root()
    {
        var store = Resolve(new Dictionary<string, string?>(), "Storage");

        Assert.Equal("local /var/lib/iot-bridge", store.Location);
    }

    [Fact]
    public void Kind_S3_with_valid_settings_gives_an_S3_store_whose_location_shows_no_secret()
    {
        var store = Resolve(ValidS3("Storage"), "Storage");

        Assert.Equal("s3 http://127.0.0.1:7480 bucket 'iot-audio'", store.Location);
    }

    [Fact]
    public void A_local_store_without_a_root_fails_validation_naming_the_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:Kind"] = "Local" }).Build();
        using var provider = new ServiceCollection().AddAudioStore(configuration, "Storage").BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<AudioStoreOptions>>().Get("Storage"));

        Assert.Contains(ex.Failures, f => f.StartsWith("Storage:Root must be set", StringComparison.Ordinal));
    }
}
