using System.Text.RegularExpressions;
using Iot.TestSupport;

namespace Iot.Cloud.Pipeline.Tests.Data;

/// <summary>
/// Which code may change which table (cloud/Iot.Cloud.Data/Migrations/OWNERS.md, column "Changed in"), and that no
/// row-changing statement is written twice. Reads the SQL in the string literals of the production C# (cloud/,
/// dashboard/, provisioning/): statements built from pieces at run time (a table name in a <c>{hole}</c>) are not
/// seen, nor are the migrations' SQL functions.
/// </summary>
public sealed partial class MutatingStatementTests
{
    private static readonly string[] ProductionRoots = ["cloud", "dashboard", "provisioning"];

    [Fact]
    public void Every_row_changing_statement_is_in_a_project_OWNERS_md_lists_for_its_table_and_every_listed_project_has_one()
    {
        var statements = Statements();
        var allowed = ChangedIn();

        // The reader works: the audit writer and the job queue's claim are where they are known to be.
        Assert.Contains(statements, s => s is { Table: "audit_log", Verb: "INSERT" } && s.File.EndsWith("Audit/AuditLog.cs", StringComparison.Ordinal));
        Assert.Contains(statements, s => s is { Table: "jobs", Verb: "UPDATE", Project: "Iot.Cloud.Pipeline" });

        var unknown = statements.Where(s => !allowed.ContainsKey(s.Table)).Select(s => $"{s.Table} ({s.Where})").Distinct().ToList();
        Assert.True(unknown.Count == 0, "OWNERS.md has no row for: " + string.Join(", ", unknown));

        var outside = statements.Where(s => !allowed[s.Table].Contains(s.Project)).Select(s => $"{s.Verb} {s.Table} in {s.Where} (OWNERS.md: {Listed(allowed[s.Table])})").ToList();
        Assert.True(outside.Count == 0, "statements outside the projects OWNERS.md lists for their table:\n  " + string.Join("\n  ", outside));

        var stale = allowed.SelectMany(a => a.Value.Where(p => !statements.Any(s => s.Table == a.Key && s.Project == p)).Select(p => $"{a.Key}: {p}")).ToList();
        Assert.True(stale.Count == 0, "OWNERS.md lists a project that no longer changes the table:\n  " + string.Join("\n  ", stale));
    }

    [Fact]
    public void No_row_changing_statement_is_written_in_two_places()
    {
        var twice = Statements()
            .GroupBy(s => s.Text, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}\n    in {string.Join(", ", g.Select(s => s.Where))}")
            .ToList();

        Assert.True(twice.Count == 0, "the same statement is written in several places; give it one owner and call that:\n  " + string.Join("\n  ", twice));
    }

    private static string Listed(HashSet<string> projects) => projects.Count == 0 ? "–" : string.Join(", ", projects.Order(StringComparer.Ordinal));

    /// <summary>Every INSERT/UPDATE/DELETE/MERGE in a string literal of the production C#.</summary>
    private static List<Statement> Statements()
    {
        var result = new List<Statement>();
        foreach (var root in ProductionRoots)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, root), "*.cs", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(RepoPaths.Root, file).Replace('\\', '/');
                var parts = relative.Split('/');
                if (parts.Contains("obj") || parts.Contains("bin"))
                {
                    continue;
                }

                var source = File.ReadAllText(file);
                foreach (var (offset, literal) in CSharpLiterals.Read(source))
                {
                    foreach (Match m in MutatingVerb().Matches(literal))
                    {
                        var verb = m.Groups["verb"].Value.Split(' ', '\t', '\r', '\n')[0].ToUpperInvariant();
                        if (verb == "UPDATE" && !m.Groups["set"].Success)
                        {
                            continue;
                        }

                        var end = literal.IndexOf(';', m.Index);
                        var text = string.Join(' ', literal[m.Index..(end < 0 ? literal.Length : end)].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                        var line = source.AsSpan(0, offset).Count('\n') + 1;
                        result.Add(new Statement(m.Groups["table"].Value.ToLowerInvariant(), verb, parts[1], relative, line, text));
                    }
                }
            }
        }

        return result;
    }

    /// <summary>Table → the projects OWNERS.md says change it (empty for "–").</summary>
    private static Dictionary<string, HashSet<string>> ChangedIn()
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, "cloud", "Iot.Cloud.Data", "Migrations", "OWNERS.md"));
        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (Match m in OwnerRow().Matches(text))
        {
            var cell = m.Groups["changed"].Value.Trim();
            HashSet<string> projects = cell is "–" or "-" ? [] : [.. cell.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
            Assert.True(result.TryAdd(m.Groups["table"].Value, projects), $"OWNERS.md lists {m.Groups["table"].Value} twice");
        }

        Assert.NotEmpty(result);
        return result;
    }

    /// <summary>
    /// The string literals of a C# file with their offsets: regular, verbatim (<c>@"…"</c>) and raw (<c>"""…"""</c>),
    /// interpolated or not (holes stay as text). Comments and character literals are skipped, so a quote in them does
    /// not start a string.
    /// </summary>
    private static class CSharpLiterals
    {
        public static IEnumerable<(int Offset, string Text)> Read(string s)
        {
            var i = 0;
            while (i < s.Length)
            {
                if (At(s, i, "//"))
                {
                    var eol = s.IndexOf('\n', i);
                    i = eol < 0 ? s.Length : eol;
                }
                else if (At(s, i, "/*"))
                {
                    i = s.IndexOf("*/", i + 2, StringComparison.Ordinal) + 2;
                }
                else if (s[i] == '\'')
                {
                    // '"', '\'' or 'x' is skipped whole; longer ones ('\u0022') only lose their opening quote, and hold no '"'.
                    var close = s[i + 1] == '\\' ? i + 3 : i + 2;
                    i = close < s.Length && s[close] == '\'' ? close + 1 : i + 1;
                }
                else if (s[i] == '"')
                {
                    var quotes = 0;
                    while (i + quotes < s.Length && s[i + quotes] == '"')
                    {
                        quotes++;
                    }

                    if (quotes >= 3)
                    {
                        var fence = new string('"', quotes);
                        var close = s.IndexOf(fence, i + quotes, StringComparison.Ordinal);
                        yield return (i, s[(i + quotes)..close]);
                        i = close + quotes;
                        continue;
                    }

                    var verbatim = (i > 0 && s[i - 1] == '@') || (i > 1 && s[i - 1] == '$' && s[i - 2] == '@');
                    var j = i + 1;
                    while (s[j] != '"' || (verbatim && j + 1 < s.Length && s[j + 1] == '"'))
                    {
                        j += (!verbatim && s[j] == '\\') || (verbatim && s[j] == '"') ? 2 : 1;
                    }

                    yield return (i, s[(i + 1)..j]);
                    i = j + 1;
                }
                else
                {
                    i++;
                }
            }
        }

        private static bool At(string s, int i, string what) => string.CompareOrdinal(s, i, what, 0, what.Length) == 0;
    }

    private sealed record Statement(string Table, string Verb, string Project, string File, int Line, string Text)
    {
        public string Where => $"{File}:{Line}";
    }

    // An alias may stand between table and SET (UPDATE jobs j SET …), but SET itself is not an alias.
    [GeneratedRegex(@"\b(?<verb>INSERT\s+INTO|UPDATE|DELETE\s+FROM|MERGE\s+INTO)\s+(?:ONLY\s+)?(?:public\.)?(?<table>[a-z_][a-z0-9_]*)\b(?:\s+(?:AS\s+)?(?!SET\b)[a-z_][a-z0-9_]*)?(?<set>\s+SET\b)?", RegexOptions.IgnoreCase)]
    private static partial Regex MutatingVerb();

    // | `table` | owner | created in | changed in | notes |
    [GeneratedRegex(@"^\|\s*`(?<table>[a-z_0-9]+)`\s*\|[^|]*\|[^|]*\|(?<changed>[^|]*)\|", RegexOptions.Multiline)]
    private static partial Regex OwnerRow();
}
