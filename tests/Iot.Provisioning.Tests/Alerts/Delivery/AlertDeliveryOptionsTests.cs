using System.Globalization;
using Iot.Provisioning.Alerts.Delivery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Iot.Provisioning.Tests.Alerts.Delivery;

public sealed class AlertDeliveryOptionsTests
{
    [Fact]
    public void Bad_delivery_and_smtp_settings_fail_at_start_naming_the_full_key()
    {
        var (delivery, smtp) = Resolve(new()
        {
            ["Alerts:Delivery:PollSeconds"] = "0",
            ["Alerts:Delivery:FirstRetrySeconds"] = "600",
            ["Alerts:Delivery:MaxRetrySeconds"] = "60",
            ["Alerts:Smtp:Host"] = "mail.example.com",
        });

        var ex = Assert.Throws<OptionsValidationException>(delivery);
        Assert.Contains(ex.Failures, f => f.StartsWith("Alerts:Delivery:PollSeconds 0", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Alerts:Delivery:MaxRetrySeconds 60 must not be below", StringComparison.Ordinal));
        var smtpEx = Assert.Throws<OptionsValidationException>(smtp);
        Assert.Contains(smtpEx.Failures, f => f.StartsWith("Alerts:Smtp:From", StringComparison.Ordinal));
    }

    [Fact]
    public void Defaults_are_valid_with_private_targets_refused_and_no_smtp()
    {
        var (delivery, smtp) = Resolve([]);
        var o = delivery();
        Assert.Equal((5, 10, 10, false), (o.PollSeconds, o.MaxAttempts, o.TimeoutSeconds, o.AllowPrivateTargets));
        Assert.False(smtp().Configured);
    }

    [Theory]
    [InlineData("Alerts:Smtp:From", "Host=mail.example.com")]
    [InlineData("Alerts:Smtp:From", "Host=mail.example.com;From=not-an-address")]
    [InlineData("Alerts:Smtp:Port", "Host=mail.example.com;From=a@b.test;Port=0")]
    [InlineData("Alerts:Smtp:Host", "Host=bad host name;From=a@b.test")]
    [InlineData("Alerts:Smtp:Username and Alerts:Smtp:PasswordFile go together", "Host=mail.example.com;From=a@b.test;Username=u")]
    [InlineData("Alerts:Smtp:PasswordFile", "Host=mail.example.com;From=a@b.test;Username=u;PasswordFile=/nonexistent/smtp.pw")]
    public void Smtp_settings_are_checked_only_when_a_host_is_set_and_name_the_bad_key(string key, string settings)
    {
        var values = settings.Split(';').ToDictionary(p => "Alerts:Smtp:" + p.Split('=')[0], p => (string?)p.Split('=')[1]);
        var (_, smtp) = Resolve(values);

        var ex = Assert.Throws<OptionsValidationException>(smtp);
        Assert.Contains(ex.Failures, f => f.StartsWith(key, StringComparison.Ordinal));
    }

    [Fact]
    public void Retry_delays_double_from_the_first_up_to_the_cap_within_the_jitter()
    {
        var o = new AlertDeliveryOptions();
        var random = new Random(17);
        for (var failed = 1; failed <= 12; failed++)
        {
            var nominal = Math.Min(30 * Math.Pow(2, failed - 1), 3600);
            var delay = RetrySchedule.Delay(failed, o, random).TotalSeconds;
            Assert.InRange(delay, nominal * 0.8, Math.Min(nominal * 1.2, 3600));
        }

        Assert.Equal(TimeSpan.FromSeconds(1), RetrySchedule.Honour(TimeSpan.FromSeconds(-5), o));
        Assert.Equal(TimeSpan.FromHours(1), RetrySchedule.Honour(TimeSpan.FromDays(3), o));
        Assert.Equal("600", RetrySchedule.Honour(TimeSpan.FromSeconds(600), o).TotalSeconds.ToString(CultureInfo.InvariantCulture));
    }

    private static (Func<AlertDeliveryOptions> Delivery, Func<AlertSmtpOptions> Smtp) Resolve(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddAlertDelivery(configuration);
        var provider = services.BuildServiceProvider();
        return (() => provider.GetRequiredService<IOptions<AlertDeliveryOptions>>().Value, () => provider.GetRequiredService<IOptions<AlertSmtpOptions>>().Value);
    }
}
