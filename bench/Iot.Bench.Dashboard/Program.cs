using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Iot.Bench.Dashboard;
using Iot.Cloud.Data;
using Iot.Dashboard.Auth;
using Iot.Dashboard.Dialogues;
using Iot.Dashboard.Hosting;
using Iot.Dashboard.Overview;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

// Dashboard API latency on a large tenant. Prints p50/p95/max per endpoint; the target is p95 < 100 ms.
var args_ = BenchArgs.Parse(args);
var adminUrl = Environment.GetEnvironmentVariable("IOT_DATABASE_URL") ?? Environment.GetEnvironmentVariable("DATABASE_URL")
    ?? throw new InvalidOperationException("set IOT_DATABASE_URL or DATABASE_URL to a PostgreSQL server you may create databases on");
var admin = ConnectionStrings.Normalize(adminUrl);
var name = args_.Reuse ?? "iot_bench_dashboard_" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
if (args_.Reuse is null)
{
    await using var c = new NpgsqlConnection(admin);
    await c.OpenAsync();
    await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", c);
    await create.ExecuteNonQueryAsync();
}

var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
var clock = TimeProvider.System;
try
{
    await using (var db = NpgsqlDataSource.Create(connectionString))
    {
        // A reused database gets the migrations added since it was seeded.
        await new DatabaseMigrator(db, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);
        if (args_.Rebuild)
        {
            // No state = no zone the rows were cut in: the next pass rebuilds every tenant, as after an upgrade.
            await using var forget = db.CreateCommand("DELETE FROM overview_rollup_state");
            await forget.ExecuteNonQueryAsync();
        }
    }

    if (args_.Reuse is null)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        var seedStart = clock.GetTimestamp();
        Console.WriteLine($"seeding {args_.Dialogues:N0} dialogues, {args_.Dialogues * (long)args_.SegmentsPerDialogue:N0} segments, {args_.TranscriptShare:P0} transcribed (binary COPY)…");
        await Seeder.SeedAsync(db, args_, clock.GetUtcNow(), p => Console.WriteLine($"  {p} ({clock.GetElapsedTime(seedStart).TotalSeconds:0} s)"));
        Console.WriteLine($"seeded in {clock.GetElapsedTime(seedStart).TotalSeconds:0} s");
    }

    var app = DashboardApp.Build(
    [
        $"--Database:ConnectionString={connectionString}",
        "--Dashboard:Auth:SigningKey=bench-signing-key-0123456789abcdef0123456789",
        "--Dashboard:RateLimits:ApiPerMinute=1000000",
        "--Dashboard:MigrateOnStart=false",
        "--Dashboard:OverviewRollupSeconds=0",
        // The dashboard logs through Serilog (CloudHost defaults), which reads its own level key, not Logging:LogLevel.
        "--Serilog:MinimumLevel:Default=Warning",
        // Port 0: the system picks a free one (a random fixed port collided with another process once).
        "--urls=http://127.0.0.1:0",
    ]);
    await app.StartAsync();
    // Tokens are checked against their account on every request (AccountCheck), so the bench signs in as a real user.
    var store = app.Services.GetRequiredService<AuthStore>();
    if (await store.UserByEmailAsync("bench@bench.test", CancellationToken.None) is null)
    {
        await store.SeedUserAsync(Seeder.Tenant, "bench@bench.test", Roles.Admin, PasswordHashing.Hash("bench password 2026"), CancellationToken.None);
    }

    var token = app.Services.GetRequiredService<TokenIssuer>().Issue((await store.UserByEmailAsync("bench@bench.test", CancellationToken.None))!).Token;
    var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
        .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
    using var http = new HttpClient { BaseAddress = new Uri(address) };
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

    // A cursor 20 pages deep, and one dialogue id, for the deep-page and detail rows.
    string? cursor = null;
    Guid someId = default;
    for (var i = 0; i < 20; i++)
    {
        var page = await http.GetFromJsonAsync<DialoguePage>("/api/dialogues" + (cursor is null ? "" : "?cursor=" + cursor));
        cursor = page!.NextCursor;
        someId = page.Items[0].DialogueId;
    }

    var overviews = new (string Name, string Path)[]
    {
        ("overview, last 7 days", "/api/overview"),
        ("overview, last 30 days", $"/api/overview?from={clock.GetUtcNow().AddDays(-30):yyyy-MM-ddTHH:mm:ssZ}"),
        ("overview, last 90 days", $"/api/overview?from={clock.GetUtcNow().AddDays(-90):yyyy-MM-ddTHH:mm:ssZ}"),
    };
    // Performance and Trends (issue 19): local days in the bench tenant's zone (Europe/Berlin), up to today.
    var today = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin")).Date;
    string Days(int n) => $"from={today.AddDays(1 - n):yyyy-MM-dd}&to={today:yyyy-MM-dd}";
    var performance = new (string Name, string Path)[]
    {
        ("performance by operator, 7 days", "/api/performance"),
        ("performance by operator, 30 days", "/api/performance?" + Days(30)),
        ("performance by operator, 90 days", "/api/performance?" + Days(90)),
        ("performance by branch, 90 days", "/api/performance?by=branch&" + Days(90)),
        ("performance, 90 days, one device", "/api/performance?device=d7&" + Days(90)),
        ("trends by day, 90 days", "/api/trends?measure=attemptRate&" + Days(90)),
        ("trends by week, 365 days", "/api/trends?interval=week&measure=compliance&" + Days(365)),
        ("heat map, 90 days", "/api/trends/heatmap?" + Days(90)),
        ("heat map, 90 days, one branch", "/api/trends/heatmap?branch=b3&" + Days(90)),
        ("heat map, 90 days, one device (raw)", "/api/trends/heatmap?device=d7&" + Days(90)),

        // Missed opportunities (issue 19 item 3): raw reads over the partial indexes of migration 0067.
        ("missed purchases, 7 days", "/api/opportunities/missed"),
        ("missed purchases, 90 days, one device", "/api/opportunities/missed?device=d7&" + Days(90)),
        ("declined offers, 30 days, one branch", "/api/opportunities/declined?branch=b3&" + Days(30)),
        ("top offered items, 7 days", "/api/opportunities/items"),
        ("top offered items, 30 days", "/api/opportunities/items?sort=-acceptanceRate&" + Days(30)),
        ("top offered items, 90 days", "/api/opportunities/items?" + Days(90)),
        ("top offered items, 30 days, one operator", "/api/opportunities/items?operator=op-17&" + Days(30)),
    };
    var cases = new (string Name, string Path)[]
    {
        ("dialogues, first page", "/api/dialogues"),
        ("dialogues, page 21 (cursor)", "/api/dialogues?cursor=" + cursor),
        ("dialogues, 100 per page", "/api/dialogues?pageSize=100"),
        ("dialogues, branch+upsell+quality", "/api/dialogues?branch=b3&upsell=true&qualityMin=80"),
        ("dialogues, operator, by quality", "/api/dialogues?operator=op-17&sort=-quality"),
        ("dialogues, full-text 'warranty discount'", "/api/dialogues?q=warranty%20discount"),
        ("dialogues, category+item+quality", "/api/dialogues?category=warranty&item=extended%20cover%207&qualityMax=50"),
        ("dialogues, corrected by a review", "/api/dialogues?corrected=true&operator=op-17"),
        ("dialogue detail", $"/api/dialogues/{someId}"),
        ("devices", "/api/devices"),
    };

    Console.WriteLine();
    Console.WriteLine($"{"endpoint",-42} {"p50 ms",8} {"p95 ms",8} {"max ms",8}   ({args_.Requests} requests each, sequential, after 10 warm-up)");

    // Before the roll-up exists the overview reads raw rows only: the "before" figures on the same data.
    foreach (var (label, path) in args_.Reuse is not null ? [] : overviews.Concat(performance.Where(p => p.Name.Contains("90 days", StringComparison.Ordinal)).Take(1)))
    {
        await MeasureAsync(label + ", raw only", path);
    }

    // The background job is off in the bench so it cannot disturb the timings; a full build, then a steady-state pass.
    var rollup = app.Services.GetRequiredService<OverviewRollup>();
    foreach (var pass in new[] { "full build", "incremental pass" })
    {
        var rollupStart = clock.GetTimestamp();
        var run = await rollup.RunOnceAsync(CancellationToken.None);
        Console.WriteLine($"overview roll-up {pass}: {run!.Buckets:N0} tenant-days, {run.Dialogues:N0} dialogues, {run.Transactions:N0} transactions in {clock.GetElapsedTime(rollupStart).TotalMilliseconds:N0} ms "
            + $"(overview {run.Overview.TotalMilliseconds:N0} ms, performance {run.Performance.TotalMilliseconds:N0} ms, offered items {run.OfferedItems.TotalMilliseconds:N0} ms)");
    }

    foreach (var (label, path) in overviews.Concat(performance).Concat(cases))
    {
        await MeasureAsync(label, path);
    }

    async Task MeasureAsync(string label, string path)
    {
        // A fresh token per endpoint: a 1 M run outlasts one token's lifetime (the raw-only rows alone take minutes).
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer", app.Services.GetRequiredService<TokenIssuer>().Issue((await store.UserByEmailAsync("bench@bench.test", CancellationToken.None))!).Token);
        for (var i = 0; i < 10; i++)
        {
            (await http.GetAsync(path)).EnsureSuccessStatusCode();
        }

        var times = new List<double>(args_.Requests);
        for (var i = 0; i < args_.Requests; i++)
        {
            var start = clock.GetTimestamp();
            using var response = await http.GetAsync(path);
            await response.Content.ReadAsByteArrayAsync();
            times.Add(clock.GetElapsedTime(start).TotalMilliseconds);
            response.EnsureSuccessStatusCode();
        }

        times.Sort();
        double P(double q) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(q * times.Count) - 1)];
        Console.WriteLine($"{label,-42} {P(0.50),8:0.0} {P(0.95),8:0.0} {times[^1],8:0.0}{(P(0.95) > 100 ? "   > target" : "")}");
    }

    await app.StopAsync();
}
finally
{
    if (!args_.Keep)
    {
        NpgsqlConnection.ClearAllPools();
        await using var c = new NpgsqlConnection(admin);
        await c.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", c);
        await drop.ExecuteNonQueryAsync();
    }
}
