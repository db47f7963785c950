using Iot.Edge.Audio;
using Iot.Edge.Capture.Windows;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Windows.Tests;

public class WasapiCaptureRegistrationTests
{
    [Fact]
    public void On_linux_the_wasapi_provider_is_registered_but_reports_why_it_cannot_run()
    {
        using var services = Build(new Dictionary<string, string?>());

        var provider = Assert.Single(services.GetServices<IAudioSourceProvider>());

        Assert.Equal("wasapi", provider.Name);
        Assert.Equal("WASAPI exists only on Windows", provider.Unavailable);
    }

    [Fact]
    public void Keys_are_read_from_the_audio_section()
    {
        using var services = Build(new Dictionary<string, string?>
        {
            ["Audio:AllowOtherDevice"] = "true",
            ["Audio:Wasapi:Device"] = "{0.0.1.00000000}.{c4e2a9d0-71f3-4b8e-a6d2-0b9e5f3a7c12}",
            ["Audio:Wasapi:BufferSeconds"] = "4",
        });

        var o = services.GetRequiredService<IOptions<WasapiCaptureOptions>>().Value;

        Assert.True(o.AllowOtherDevice);
        Assert.Equal("{0.0.1.00000000}.{c4e2a9d0-71f3-4b8e-a6d2-0b9e5f3a7c12}", o.Wasapi.Device);
        Assert.Equal((16000, 4.0, 5.0), (o.Wasapi.SampleRate, o.Wasapi.BufferSeconds, o.Wasapi.StallSeconds));
    }

    [Theory]
    [InlineData("Audio:Wasapi:SampleRate", "44100")]
    [InlineData("Audio:Wasapi:Device", " ")]
    [InlineData("Audio:Wasapi:BufferSeconds", "0")]
    [InlineData("Audio:Wasapi:StallSeconds", "0.5")]
    public void A_bad_value_fails_validation_naming_its_key(string key, string value)
    {
        using var services = Build(new Dictionary<string, string?> { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<WasapiCaptureOptions>>().Value);

        Assert.StartsWith(key, Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<Microsoft.Extensions.Logging.ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton<MicStatus>();
        services.AddWasapiCapture(configuration);
        return services.BuildServiceProvider();
    }
}
