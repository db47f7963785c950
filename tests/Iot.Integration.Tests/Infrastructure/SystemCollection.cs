namespace Iot.Integration.Tests.Infrastructure;

/// <summary>System tests share one PostgreSQL server and run one at a time: they start real brokers and several hosts each.</summary>
[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "system";
}
