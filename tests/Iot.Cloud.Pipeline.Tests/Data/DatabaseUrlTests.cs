using Iot.Cloud.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Iot.Cloud.Pipeline.Tests.Data;

/// <summary>
/// Where every cloud program (bridge, worker, dashboard) takes its database from, and how a bad value is reported:
/// naming the key, never repeating the value (it holds the password, and start-up errors land in journals).
/// </summary>
public sealed class DatabaseUrlTests
{
    private const string FromFile = "Host=file.example;Database=iot";
    private const string FromProgramVariable = "Host=variable.example;Database=iot";
    private const string FromUrl = "postgres://u:secret@url.example:6543/iot";
    private const string FromArgument = "Host=argument.example;Database=iot";

    [Fact]
    public void DATABASE_URL_overrides_the_program_file_and_variables_and_a_command_line_argument_overrides_it()
    {
        Assert.Equal(FromUrl, Layered(new() { ["DATABASE_URL"] = FromUrl }, []));
        Assert.Equal(FromArgument, Layered(new() { ["DATABASE_URL"] = FromUrl }, [$"--Database:ConnectionString={FromArgument}"]));
        Assert.Equal(FromProgramVariable, Layered([], []));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_blank_DATABASE_URL_leaves_the_configured_connection_string_in_force(string blank)
    {
        Assert.Equal(FromProgramVariable, Layered(new() { ["DATABASE_URL"] = blank }, []));
    }

    [Fact]
    public void The_url_from_DATABASE_URL_reaches_the_data_source_every_cloud_program_registers()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new("Database:ConnectionString", FromFile)])
            .AddDatabaseUrl(new Dictionary<string, string?> { ["DATABASE_URL"] = FromUrl + "?sslmode=require" }.GetValueOrDefault)
            .Build();
        using var provider = new ServiceCollection().AddLogging().AddCloudDatabase(configuration).BuildServiceProvider();

        var source = new NpgsqlConnectionStringBuilder(provider.GetRequiredService<NpgsqlDataSource>().ConnectionString);

        Assert.Equal(("url.example", 6543, SslMode.Require), (source.Host, source.Port, source.SslMode));
    }

    [Theory]
    [InlineData("Host=db.example;Password=se;cret-tail;Database=iot", "cret-tail")]
    [InlineData("Host=db.example;Port=notaport;Password=hunter2", "hunter2")]
    [InlineData("postgres://u:hunter2@db.example:notaport/iot", "hunter2")]
    [InlineData("postgres://u:hun/ter2@db.example/iot", "ter2")]
    [InlineData("postgres://u:hunter2@db.example/iot?sslmode=sometimes", "hunter2")]
    [InlineData("postgres://u:12?hunter2=x@db.example/iot", "hunter2")]
    [InlineData("postgres://u:12?hun%3Bter2=x@db.example/iot", "ter2")]
    public void A_bad_connection_string_stops_start_up_naming_the_key_without_repeating_any_of_the_value(string value, string secret)
    {
        var error = Failure(value, environment: []);

        Assert.StartsWith("Database:ConnectionString ", error, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("db.example", error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_bad_DATABASE_URL_is_named_as_the_source_of_the_bad_value()
    {
        const string url = "postgres://u:hunter2@db.example:notaport/iot";

        var error = Failure(url, new() { ["DATABASE_URL"] = url });

        Assert.StartsWith("Database:ConnectionString (from DATABASE_URL) is a postgres:// URL that cannot be parsed", error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelt_url_option_is_named_so_the_operator_can_find_it()
    {
        Assert.Equal(
            "Database:ConnectionString has an option Npgsql does not know: 'sslmod'",
            Failure("postgres://u:hunter2@db.example/iot?sslmod=require", environment: []));
    }

    [Fact]
    public void A_missing_connection_string_names_both_places_it_can_come_from()
    {
        Assert.Equal("Database:ConnectionString (or DATABASE_URL) must be set", Failure("", environment: []));
    }

    [Theory]
    [InlineData("Host=db.example;Username=iot;Password='se;cret';Database=iot")]
    [InlineData("postgres://u:p%40ss@db.example/iot?sslmode=verify-full&application_name=probe")]
    [InlineData("postgresql://db.example/iot")]
    public void Good_connection_strings_pass(string value)
    {
        Assert.True(new DatabaseOptionsValidator(_ => null).Validate(null, new DatabaseOptions { ConnectionString = value }).Succeeded);
    }

    /// <summary>The sources in the order CloudHost and the dashboard add them.</summary>
    private static string? Layered(Dictionary<string, string?> environment, string[] args) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection([new("Database:ConnectionString", FromFile)])
            .AddInMemoryCollection([new("Database:ConnectionString", FromProgramVariable)])
            .AddDatabaseUrl(environment.GetValueOrDefault)
            .AddCommandLine(args)
            .Build()["Database:ConnectionString"];

    private static string Failure(string value, Dictionary<string, string?> environment)
    {
        var result = new DatabaseOptionsValidator(environment.GetValueOrDefault).Validate(null, new DatabaseOptions { ConnectionString = value });
        Assert.True(result.Failed, $"accepted: {value}");
        return Assert.Single(result.Failures!);
    }
}
