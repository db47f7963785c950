using System.Text.RegularExpressions;
using Iot.Cloud.Data;
using Iot.TestSupport;

namespace Iot.Cloud.Pipeline.Tests.Data;

/// <summary>
/// Migrations cannot be grouped by folder (DbUp journals them by resource name), so cloud/Iot.Cloud.Data/Migrations/
/// OWNERS.md says which program owns each table; this keeps it complete and true.
/// </summary>
public sealed partial class MigrationOwnersTests
{
    [Fact]
    public void Every_table_a_migration_creates_has_an_owner_and_the_migrations_that_create_it()
    {
        var created = CreatedTables();
        var owners = OwnerRows();

        Assert.NotEmpty(created);
        Assert.Empty(created.Keys.Except(owners.Keys).Order());
        Assert.Empty(owners.Keys.Except(created.Keys).Order());
        foreach (var (table, migrations) in created)
        {
            Assert.True(migrations.SetEquals(owners[table]), $"OWNERS.md: {table} is created in {string.Join(", ", migrations.Order())}, not {string.Join(", ", owners[table].Order())}");
        }
    }

    /// <summary>Table → the numbers of the embedded migrations with a <c>CREATE TABLE</c> of it.</summary>
    private static Dictionary<string, HashSet<string>> CreatedTables()
    {
        var assembly = typeof(DatabaseMigrator).Assembly;
        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            var sql = SqlComment().Replace(reader.ReadToEnd(), "");
            var number = MigrationNumber().Match(resource).Groups[1].Value;
            foreach (Match m in CreateTable().Matches(sql))
            {
                var table = m.Groups["name"].Value.ToLowerInvariant();
                (result.TryGetValue(table, out var set) ? set : result[table] = []).Add(number);
            }
        }

        return result;
    }

    private static Dictionary<string, HashSet<string>> OwnerRows()
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, "cloud", "Iot.Cloud.Data", "Migrations", "OWNERS.md"));
        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (Match m in OwnerRow().Matches(text))
        {
            Assert.True(result.TryAdd(m.Groups["table"].Value, [.. m.Groups["created"].Value.Split(',', StringSplitOptions.TrimEntries)]), $"OWNERS.md lists {m.Groups["table"].Value} twice");
        }

        return result;
    }

    // Dynamic names (format('CREATE TABLE public.%I …')) are partitions made at run time, not tables of the schema.
    [GeneratedRegex(@"CREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:public\.)?(?<name>[A-Za-z_][A-Za-z0-9_]*)(?=[\s(;])", RegexOptions.IgnoreCase)]
    private static partial Regex CreateTable();

    [GeneratedRegex(@"--[^\n]*")]
    private static partial Regex SqlComment();

    [GeneratedRegex(@"\.(\d{4})_[^.]+\.sql$")]
    private static partial Regex MigrationNumber();

    [GeneratedRegex(@"^\|\s*`(?<table>[a-z_0-9]+)`\s*\|[^|]*\|\s*(?<created>[0-9, ]+?)\s*\|", RegexOptions.Multiline)]
    private static partial Regex OwnerRow();
}
