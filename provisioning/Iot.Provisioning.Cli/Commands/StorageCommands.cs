using System.CommandLine;
using Iot.Cloud.Storage;
using Iot.Cloud.Storage.Local;
using Iot.Cloud.Storage.Migration;
using Iot.Cloud.Storage.S3;
using Spectre.Console;

namespace Iot.Provisioning.Cli.Commands;

/// <summary>
/// <c>iotctl storage migrate</c>: copies a bridge's local audio (<c>{Storage:Root}/recordings</c>) into an S3-compatible
/// bucket before the bridges switch to <c>Storage:Kind=S3</c>. Works on the files and the bucket only (no database,
/// no bridge API); resumable by running it again; every copy verified by SHA-256. Credentials come from the
/// environment (<c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c>), never from the command line.
/// </summary>
internal static class StorageCommands
{
    public static Command Build()
    {
        var from = new Option<string>("--from") { Description = "The bridge's Storage:Root (audio under recordings/ below it)", Required = true };
        var url = new Option<string>("--s3-service-url") { Description = "Storage:S3:ServiceUrl, e.g. http://rgw.internal:7480 (empty = AWS)", DefaultValueFactory = _ => "" };
        var bucket = new Option<string>("--s3-bucket") { Description = "Storage:S3:Bucket (must exist)", Required = true };
        var prefix = new Option<string>("--s3-prefix") { Description = "Storage:S3:Prefix", DefaultValueFactory = _ => "" };
        var region = new Option<string>("--s3-region") { Description = "Storage:S3:Region", DefaultValueFactory = _ => "us-east-1" };
        var parallel = new Option<int>("--parallel") { Description = "Objects copied at once (1..64)", DefaultValueFactory = _ => 4 };

        var migrate = new Command("migrate", "Copy local recordings into an S3 bucket: resumable (run it again), verified by SHA-256, never overwriting") { from, url, bucket, prefix, region, parallel };
        migrate.Handle(async (p, _, ct) =>
        {
            var root = Path.GetFullPath(p.GetValue(from)!);
            if (!Directory.Exists(root))
            {
                throw new CliFailure($"--from: {root} does not exist", ExitCodes.Usage);
            }

            if (p.GetValue(parallel) is < 1 or > 64)
            {
                throw new CliFailure("--parallel must be 1..64", ExitCodes.Usage);
            }

            var options = new S3StoreOptions
            {
                ServiceUrl = p.GetValue(url) ?? "",
                Bucket = p.GetValue(bucket)!,
                Prefix = p.GetValue(prefix) ?? "",
                Region = p.GetValue(region) ?? "",
                AccessKey = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") ?? "",
                SecretKey = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") ?? "",
            };
            var problems = AudioStoreOptionsValidator.Failures("Storage", new AudioStoreOptions { Kind = AudioStoreKind.S3, S3 = options }).ToList();
            if (problems.Count > 0)
            {
                throw new CliFailure(string.Join("; ", problems), ExitCodes.Usage);
            }

            using var target = new S3AudioStore(S3Clients.Create(options), options, "Storage");
            try
            {
                await target.ProbeAsync(ct);
            }
            catch (AudioStoreUnavailableException ex)
            {
                throw new CliFailure(ex.Message, ExitCodes.Failed);
            }

            var migration = new AudioStoreMigration(new LocalAudioStore(root, "iotctl-migrate"), target);
            var report = await RunAsync(migration, p.GetValue(parallel), ct);
            Console.WriteLine($"{report.Listed} object(s) in {root}/recordings: {report.Copied} copied and verified, {report.AlreadyThere} already in {target.Location}, "
                + $"{report.Conflicts.Count} conflict(s), {report.Unverified.Count} unverified; {report.Bytes} bytes");
            foreach (var key in report.Conflicts)
            {
                CommandRunner.Error($"conflict: {key} is in the bucket with other bytes (left as it is)");
            }

            foreach (var key in report.Unverified)
            {
                CommandRunner.Error($"unverified: {key} did not read back with its hash (run again)");
            }

            return report.Complete ? ExitCodes.Ok : ExitCodes.Failed;
        });

        return new Command("storage", "The audio store: move recordings between a local directory and S3") { migrate };
    }

    private static async Task<MigrationReport> RunAsync(AudioStoreMigration migration, int parallelism, CancellationToken ct)
    {
        if (Console.IsOutputRedirected)
        {
            // Piped or logged: a line per tenth instead of a redrawn bar.
            var lastTenth = -1L;
            return await migration.RunAsync("recordings/", parallelism, new Progress<MigrationProgress>(p =>
            {
                var tenth = p.Total == 0 ? 10 : p.Done * 10 / p.Total;
                if (Interlocked.Exchange(ref lastTenth, tenth) != tenth)
                {
                    Console.WriteLine($"{p.Done}/{p.Total} object(s), {p.DoneBytes}/{p.TotalBytes} bytes");
                }
            }), ct);
        }

        MigrationReport? report = null;
        await AnsiConsole.Progress().StartAsync(async context =>
        {
            var bar = context.AddTask("copying", maxValue: 1);
            report = await migration.RunAsync("recordings/", parallelism, new Progress<MigrationProgress>(p =>
            {
                bar.MaxValue = Math.Max(1, p.TotalBytes);
                bar.Value = p.DoneBytes;
                bar.Description = $"{p.Done}/{p.Total} object(s)";
            }), ct);
            bar.Value = bar.MaxValue;
        });
        return report!;
    }
}
