using System.Security.Cryptography;
using Npgsql;

namespace Iot.Faults.Tests.Fuzz;

/// <summary>Every chunk row (all columns, as JSON) and every stored file (path → SHA-256), to prove nothing changed.</summary>
public sealed record StoreSnapshot(IReadOnlyList<string> Rows, IReadOnlyDictionary<string, string> Files)
{
    public static async Task<StoreSnapshot> ReadAsync(string connectionString, string storageRoot)
    {
        var rows = new List<string>();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT row_to_json(c)::text FROM chunks c ORDER BY chunk_id", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(0));
            }
        }

        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (Directory.Exists(storageRoot))
        {
            foreach (var file in Directory.GetFiles(storageRoot, "*", SearchOption.AllDirectories))
            {
                files[Path.GetRelativePath(storageRoot, file)] = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(file)));
            }
        }

        return new StoreSnapshot(rows, files);
    }

    public bool SameAs(StoreSnapshot other) => Rows.SequenceEqual(other.Rows) && Files.SequenceEqual(other.Files);
}
