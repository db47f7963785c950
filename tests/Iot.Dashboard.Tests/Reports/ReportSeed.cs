using Dapper;
using Iot.Dashboard.Auth;
using Iot.Dashboard.Tests.Infrastructure;
using Iot.TestSupport;
using Npgsql;

namespace Iot.Dashboard.Tests.Reports;

/// <summary>
/// A tenant in Baku (UTC+4, no daylight saving) whose branches have Cyrillic and Azerbaijani names, dialogues at the
/// edges of the local week 2–8 November 2026, a flagged, an unanalysed and a deleted dialogue, and a rival tenant. The
/// expected figures in the tests are worked out by hand from the table in <see cref="WriteAsync"/>.
/// </summary>
public sealed class ReportsFixture : IAsyncLifetime
{
    public const string Admin = "admin@kupec.test";
    public const string CenterManager = "center@kupec.test";
    public const string Analyst = "analyst@kupec.test";
    public const string Technician = "tech@kupec.test";
    public const string Disabled = "gone@kupec.test";
    public const string RivalAdmin = "admin@rival.test";
    public const string Center = "kp-center";
    public const string Baku = "kp-baku";
    public const string Tash = "kp-tash";
    public const string RivalBranch = "rv-main";
    public const string CenterName = "Центральный филиал";
    public const string BakuName = "Gənclik şöbəsi";
    public const string TashName = "Toshkent Chilonzor";

    private readonly TempDirectory _storage = new("iot-dash-reports");

    public DashboardFactory Factory { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    public Dictionary<string, Guid> Users { get; } = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        ConnectionString = await TestDatabase.CreateAsync("reports");
        await WriteAsync();
        Factory = new DashboardFactory(DashboardFactory.Defaults(ConnectionString, _storage.Path));
    }

    public Task<HttpClient> ClientAsAsync(string email) => Factory.ClientAsAsync(email);

    private async Task WriteAsync()
    {
        await using var c = new NpgsqlConnection(ConnectionString);
        await c.OpenAsync();
        await c.ExecuteAsync(
            $"""
            INSERT INTO tenants (tenant_id, name) VALUES ('kupec', 'Kupec'), ('rival', 'Rival');
            INSERT INTO tenant_settings (tenant_id, time_zone) VALUES ('kupec', 'Asia/Baku'), ('rival', 'Asia/Baku');
            INSERT INTO branches (branch_id, tenant_id, name) VALUES
                ('{Center}', 'kupec', '{CenterName}'), ('{Baku}', 'kupec', '{BakuName}'), ('{Tash}', 'kupec', '{TashName}'), ('{RivalBranch}', 'rival', 'Rival Main');
            INSERT INTO devices (device_id, tenant_id, branch_id) VALUES
                ('kp-d-center', 'kupec', '{Center}'), ('kp-d-baku', 'kupec', '{Baku}'), ('kp-d-tash', 'kupec', '{Tash}'), ('rv-d', 'rival', '{RivalBranch}');
            """);

        // Times are UTC; Baku is UTC+4, so the local week 2–8 November is [1 Nov 20:00Z, 8 Nov 20:00Z).
        var rows = new (string Name, string Branch, string Op, string StartedUtc, bool? Upsell, string Reaction, int Quality, bool[] Checklist, bool Flagged, bool Deleted, string Tenant)[]
        {
            ("D1", Center, "op-ivan", "2026-11-02T06:00Z", true, "accepted", 80, [true, true, false], false, false, "kupec"),
            ("D2", Center, "op-ivan", "2026-11-03T06:00Z", true, "declined", 60, [true, false], false, false, "kupec"),
            ("D3", Center, "op-ivan", "2026-11-04T06:00Z", false, "none", 40, [true], false, false, "kupec"),
            ("D4", Center, "op-olga", "2026-11-05T06:00Z", true, "accepted", 90, [true, true], false, false, "kupec"),
            ("D5", Center, "op-olga", "2026-11-06T06:00Z", null, "", 0, [], false, false, "kupec"),                     // not analysed yet
            ("D6", Baku, "op-aysel", "2026-11-02T07:00Z", true, "undecided", 70, [false, false], false, false, "kupec"),
            ("D7", Baku, "op-aysel", "2026-11-03T07:00Z", true, "accepted", 100, [true], true, false, "kupec"),       // flagged transcript
            ("D8", Baku, "op-aysel", "2026-11-04T07:00Z", true, "accepted", 100, [true], false, true, "kupec"),       // deleted
            ("D9", Tash, "op-ivan", "2026-11-08T19:30Z", false, "none", 50, [true], false, false, "kupec"),           // Sunday 23:30 local: inside
            ("D10", Center, "op-ivan", "2026-11-01T19:30Z", true, "accepted", 100, [true], false, false, "kupec"),    // Sunday 1 Nov 23:30 local: before
            ("D11", Center, "op-ivan", "2026-11-08T20:30Z", true, "accepted", 100, [true], false, false, "kupec"),    // Monday 9 Nov 00:30 local: after
            ("D12", RivalBranch, "op-rival", "2026-11-03T06:00Z", true, "accepted", 10, [true], false, false, "rival"),
        };
        foreach (var r in rows)
        {
            var id = Guid.CreateVersion7();
            var started = DateTimeOffset.Parse(r.StartedUtc, System.Globalization.CultureInfo.InvariantCulture);
            var device = r.Tenant == "rival" ? "rv-d" : "kp-d-" + r.Branch[3..];
            await c.ExecuteAsync(
                """
                INSERT INTO dialogues (dialogue_id, tenant_id, branch_id, device_id, operator_id, started_at, ended_at, speech_ms, status, deleted_at)
                VALUES (@id, @tenant, @branch, @device, @op, @started, @started + interval '30 seconds', 20000, 'analyzed', CASE WHEN @deleted THEN now() END)
                """,
                new { id, tenant = r.Tenant, branch = r.Branch, device, op = r.Op, started = started.UtcDateTime, deleted = r.Deleted });
            if (r.Upsell is { } upsell)
            {
                var checklist = System.Text.Json.JsonSerializer.Serialize(r.Checklist.Select((met, i) => new { itemId = "item-" + i, met }));
                await c.ExecuteAsync(
                    """
                    INSERT INTO analyses (dialogue_id, engine, upsell_attempted, offered_categories, customer_reaction, checklist, sentiment, sentiment_score, quality_score, summary, low_confidence)
                    VALUES (@id, 'rules', @upsell, '{}', @reaction, @checklist::jsonb, 'neutral', 0, @quality, @name, @flag)
                    """,
                    new { id, upsell, reaction = r.Reaction, checklist, quality = (short)r.Quality, name = r.Name, flag = r.Flagged ? "recogniser confidence 0.20 is below 0.45" : null });
            }
        }

        foreach (var (email, tenant, role, branches, disabled) in new[]
        {
            (Admin, "kupec", Roles.Admin, (string[]?)null, false),
            (CenterManager, "kupec", Roles.Supervisor, [Center], false),
            (Analyst, "kupec", Roles.Analyst, null, false),
            (Technician, "kupec", Roles.Technician, null, false),
            (Disabled, "kupec", Roles.Admin, null, true),
            (RivalAdmin, "rival", Roles.Admin, null, false),
        })
        {
            var id = Guid.CreateVersion7();
            Users[email] = id;
            await c.ExecuteAsync(
                """
                INSERT INTO dashboard_users (user_id, tenant_id, email, display_name, role, branches, password_hash, disabled_at)
                VALUES (@id, @tenant, @email, @email, @role, @branches, 'x', CASE WHEN @disabled THEN now() END)
                """,
                new { id, tenant, email, role, branches, disabled });
        }
    }

    public async Task DisposeAsync()
    {
        if (Factory is not null)
        {
            await Factory.DisposeAsync();
        }

        _storage.Dispose();
    }
}
