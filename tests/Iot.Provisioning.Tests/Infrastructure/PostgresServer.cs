using Iot.TestSupport;

namespace Iot.Provisioning.Tests.Infrastructure;

/// <summary>The PostgreSQL server tests/test.sh starts. Each test gets an empty database of its own; no server = failing tests.</summary>
public static class PostgresServer
{
    public static Task<string> CreateDatabaseAsync() => TestDatabase.CreateAsync("iot_prov", migrate: false, maxPoolSize: 20);
}
