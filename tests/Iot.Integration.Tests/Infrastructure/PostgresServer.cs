using Iot.TestSupport;

namespace Iot.Integration.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server tests/test.sh starts (a throwaway cluster on a private port), as the collection fixture.
/// Each test gets an empty database of its own; the bridge under test migrates it. No server = failing tests.
/// </summary>
public sealed class PostgresServer
{
    public PostgresServer() => AdminConnectionString = TestDatabase.AdminConnectionString;

    public string AdminConnectionString { get; }

    public Task<string> CreateDatabaseAsync() => TestDatabase.CreateAsync("iot_test", migrate: false);
}
