using Iot.Cloud.Data;
using Iot.TestSupport;
using Npgsql;

namespace Iot.Security.Tests.Dashboard;

/// <summary>
/// <c>DATABASE_URL=postgres://...?sslmode=require</c> must mean TLS or no connection in the cloud programs; dropping the
/// option silently downgraded to Npgsql's default. (iotctl no longer opens the database: it calls the bridge's API.)
/// </summary>
public sealed class PostgresUrlTests
{
    [Theory]
    [InlineData("postgres://u:p%40ss@db.example:6543/iot?sslmode=require&application_name=probe", SslMode.Require)]
    [InlineData("postgresql://u@db.example/iot?sslmode=verify-full&sslrootcert=/etc/ca.pem", SslMode.VerifyFull)]
    public void Cloud_programs_keep_sslmode_and_the_other_query_options(string url, SslMode expected)
    {
        foreach (var parsed in new[] { ConnectionStrings.Normalize(url) })
        {
            var b = new NpgsqlConnectionStringBuilder(parsed);
            Assert.Equal(expected, b.SslMode);
            Assert.Equal("db.example", b.Host);
            Assert.Equal("iot", b.Database);
            if (url.Contains("application_name", StringComparison.Ordinal))
            {
                Assert.Equal("probe", b.ApplicationName);
                Assert.Equal(6543, b.Port);
                Assert.Equal("p@ss", b.Password);
            }
            else
            {
                Assert.Equal("/etc/ca.pem", b.RootCertificate);
            }
        }
    }

    [Fact]
    public void An_unknown_url_option_is_refused_rather_than_ignored()
    {
        Assert.ThrowsAny<ArgumentException>(() => ConnectionStrings.Normalize("postgres://u@db.example/iot?sslmod=require"));
    }

    [Fact]
    public async Task Sslmode_require_refuses_a_server_without_tls()
    {
        // The throwaway test server speaks plain TCP only: with sslmode=require honoured, no connection is made.
        var server = new NpgsqlConnectionStringBuilder(TestDatabase.AdminConnectionString);
        var url = $"postgres://{Uri.EscapeDataString(server.Username!)}@{server.Host}:{server.Port}/{server.Database}?sslmode=require";
        await using var connection = new NpgsqlConnection(ConnectionStrings.Normalize(url));
        await Assert.ThrowsAnyAsync<Exception>(() => connection.OpenAsync());

        await using var plain = new NpgsqlConnection(ConnectionStrings.Normalize(url.Replace("sslmode=require", "sslmode=disable", StringComparison.Ordinal)));
        await plain.OpenAsync();
    }
}
