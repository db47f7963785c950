using Iot.Protocol.Topics;

namespace Iot.Provisioning.Admin;

public sealed record PreregistrationLine(int LineNumber, string Serial, string TenantId, string? BranchId, string? DeviceId, string? DisplayName);

/// <summary>Parses <c>serial,tenant,branch,device_id,display_name</c> lines; every problem is reported with its line number.</summary>
public static class CsvPreregistration
{
    public const string Header = "serial,tenant,branch,device_id,display_name";

    public static (IReadOnlyList<PreregistrationLine> Lines, IReadOnlyList<string> Errors) Parse(TextReader reader)
    {
        var lines = new List<PreregistrationLine>();
        var errors = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var number = 0;
        while (reader.ReadLine() is { } raw)
        {
            number++;
            var text = raw.Trim();
            if (text.Length == 0 || text.StartsWith('#') || (number == 1 && text.Equals(Header, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var f = text.Split(',').Select(x => x.Trim()).ToArray();
            if (f.Length is < 2 or > 5)
            {
                errors.Add($"line {number}: expected {Header} (2 to 5 fields), got {f.Length}");
                continue;
            }

            string? Field(int i) => i < f.Length && f[i].Length > 0 ? f[i] : null;
            var problem = !TopicTree.IsValidId(f[0]) ? $"serial '{f[0]}' must be 1-64 of [a-z0-9_-]"
                : !TopicTree.IsValidId(f[1]) ? $"tenant '{f[1]}' must be 1-64 of [a-z0-9_-]"
                : Field(2) is { } b && !TopicTree.IsValidId(b) ? $"branch '{b}' must be 1-64 of [a-z0-9_-]"
                : Field(3) is { } d && !TopicTree.IsValidId(d) ? $"device_id '{d}' must be 1-64 of [a-z0-9_-]"
                : !seen.Add(f[0]) ? $"serial '{f[0]}' appears twice"
                : null;
            if (problem is not null)
            {
                errors.Add($"line {number}: {problem}");
                continue;
            }

            lines.Add(new PreregistrationLine(number, f[0], f[1], Field(2), Field(3), Field(4)));
        }

        return (lines, errors);
    }
}
