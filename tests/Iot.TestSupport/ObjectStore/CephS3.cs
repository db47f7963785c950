using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Iot.Cloud.Storage;
using Iot.Cloud.Storage.S3;

namespace Iot.TestSupport.ObjectStore;

/// <summary>
/// A real S3 server for tests: a one-node Ceph cluster with radosgw on loopback (<c>ceph-s3.sh</c> beside this file),
/// started once per test run and shared by every test process of it. Each process takes a lease (a file named after
/// its pid) under the cluster's lock; the script's watcher stops the cluster once no leaseholder is alive, so a run
/// that crashes leaves no daemons. A process that finds the cluster dead, half-made or refusing its credentials
/// stops what is left and makes a new one, under the same lock. Tests isolate themselves by bucket
/// (<see cref="CreateBucketAsync"/>), never by cluster.
/// </summary>
public sealed class CephS3
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static CephS3? _shared;

    private CephS3(string directory, string endpoint, string accessKey, string secretKey, int startedInMs)
    {
        Directory = directory;
        Endpoint = endpoint;
        AccessKey = accessKey;
        SecretKey = secretKey;
        StartedInMs = startedInMs;
    }

    /// <summary>The cluster's directory: ceph.conf, logs in <c>log/</c>.</summary>
    public string Directory { get; }

    public string Endpoint { get; }

    public string AccessKey { get; }

    public string SecretKey { get; }

    /// <summary>How long the script took to start the cluster (bootstrap to credentials), as it measured it.</summary>
    public int StartedInMs { get; }

    /// <summary>The run's cluster, started on first use; later calls in this process return the same one.</summary>
    public static async Task<CephS3> SharedAsync(CancellationToken cancellationToken = default)
    {
        if (_shared is { } ready)
        {
            return ready;
        }

        await Gate.WaitAsync(cancellationToken);
        try
        {
            return _shared ??= await AttachAsync(cancellationToken);
        }
        finally
        {
            Gate.Release();
        }
    }

    public S3StoreOptions Options(string bucket, string prefix = "") => new()
    {
        ServiceUrl = Endpoint,
        Bucket = bucket,
        Prefix = prefix,
        AccessKey = AccessKey,
        SecretKey = SecretKey,
        TimeoutSeconds = 30,
        MaxRetries = 1,
    };

    /// <summary>Configuration keys that point a process's storage section at <paramref name="bucket"/>.</summary>
    public Dictionary<string, string?> Settings(string section, string bucket) => new()
    {
        [$"{section}:Kind"] = "S3",
        [$"{section}:S3:ServiceUrl"] = Endpoint,
        [$"{section}:S3:Bucket"] = bucket,
        [$"{section}:S3:AccessKey"] = AccessKey,
        [$"{section}:S3:SecretKey"] = SecretKey,
    };

    public AmazonS3Client Client() => S3Clients.Create(Options("unused"));

    /// <summary>A new, empty bucket with a unique name starting with <paramref name="hint"/>.</summary>
    public async Task<string> CreateBucketAsync(string hint, CancellationToken cancellationToken = default)
    {
        var clean = new string([.. hint.ToLowerInvariant().Where(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-').Take(30)]).Trim('-');
        var bucket = $"t-{clean}-{Guid.NewGuid():n}"[..Math.Min(63, 2 + clean.Length + 1 + 32)].TrimEnd('-');
        using var client = Client();
        await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket }, cancellationToken);
        return bucket;
    }

    /// <summary>Every key in <paramref name="bucket"/> (raw object keys, prefix included).</summary>
    public async Task<IReadOnlyList<string>> KeysAsync(string bucket, CancellationToken cancellationToken = default)
    {
        using var client = Client();
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket };
        while (true)
        {
            var page = await client.ListObjectsV2Async(request, cancellationToken);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            if (page.IsTruncated != true)
            {
                return keys;
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    private static string ClusterDirectory()
    {
        // One cluster per test cache (a CI run, a developer's runs); under /tmp, as admin sockets must fit in 107 bytes.
        var tag = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(TestCache.Root)))[..12];
        return Path.Combine(Path.GetTempPath(), "iot-ceph-" + tag);
    }

    private static string Script => Path.Combine(RepoPaths.Root, "tests", "Iot.TestSupport", "ObjectStore", "ceph-s3.sh");

    private static async Task<CephS3> AttachAsync(CancellationToken cancellationToken)
    {
        foreach (var tool in new[] { "ceph-mon", "ceph-osd", "radosgw", "radosgw-admin", "monmaptool", "ceph", "flock", "setsid" })
        {
            ExternalTool.Require(tool);
        }

        var dir = ClusterDirectory();
        System.IO.Directory.CreateDirectory(dir);
        // The same lock file the watcher flocks: .NET takes FileShare.None as flock(LOCK_EX), so both exclude each other.
        await using var exclusive = await CrossProcessLock.AcquireAsync(Path.Combine(dir, "lock"), TimeSpan.FromMinutes(5), cancellationToken);
        var lease = Path.Combine(dir, "leases", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        if (await ReadHealthyAsync(dir, cancellationToken) is { } running)
        {
            await File.WriteAllTextAsync(lease, "", cancellationToken);
            return running;
        }

        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await ExternalTool.RunAsync("bash", [Script, "stop", dir], TimeSpan.FromSeconds(30), cancellationToken);
            Clear(dir);
            // Two ports picked here may be taken by another process before the daemons bind them: then try new ones.
            var start = await ExternalTool.RunAsync(
                "bash",
                [Script, "start", dir, FreePort.Next().ToString(CultureInfo.InvariantCulture), FreePort.Next().ToString(CultureInfo.InvariantCulture), Environment.ProcessId.ToString(CultureInfo.InvariantCulture)],
                TimeSpan.FromMinutes(3),
                cancellationToken);
            if (start.ExitCode == 0 && await ReadHealthyAsync(dir, cancellationToken) is { } started)
            {
                return started;
            }

            last = new InvalidOperationException($"ceph-s3.sh start exited {start.ExitCode}: {start.StdErr.Trim()} (logs in {dir}/log)");
        }

        await ExternalTool.RunAsync("bash", [Script, "stop", dir], TimeSpan.FromSeconds(30), cancellationToken);
        throw last!;
    }

    /// <summary>Removes a dead cluster's files; keeps the lock (held right now) and others' leases (the watcher prunes those).</summary>
    private static void Clear(string dir)
    {
        foreach (var entry in System.IO.Directory.EnumerateFileSystemEntries(dir))
        {
            var name = Path.GetFileName(entry);
            if (name is "lock" or "leases")
            {
                continue;
            }

            if (System.IO.Directory.Exists(entry))
            {
                System.IO.Directory.Delete(entry, recursive: true);
            }
            else
            {
                File.Delete(entry);
            }
        }
    }

    /// <summary>The cluster described by DIR/s3.env when every daemon is alive and the gateway accepts its credentials.</summary>
    private static async Task<CephS3?> ReadHealthyAsync(string dir, CancellationToken cancellationToken)
    {
        var env = Path.Combine(dir, "s3.env");
        if (!File.Exists(env))
        {
            return null;
        }

        var values = (await File.ReadAllLinesAsync(env, cancellationToken))
            .Select(l => l.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        if (!values.TryGetValue("endpoint", out var endpoint) || !values.TryGetValue("access_key", out var access)
            || !values.TryGetValue("secret_key", out var secret) || !values.TryGetValue("start_ms", out var ms))
        {
            return null;
        }

        foreach (var name in new[] { "mon.a", "osd.0", "client.rgw", "watch" })
        {
            var pidFile = Path.Combine(dir, "run", name + ".pid");
            if (!File.Exists(pidFile) || !int.TryParse((await File.ReadAllTextAsync(pidFile, cancellationToken)).Trim(), CultureInfo.InvariantCulture, out var pid) || !Alive(pid))
            {
                return null;
            }
        }

        var cluster = new CephS3(dir, endpoint, access, secret, int.Parse(ms, CultureInfo.InvariantCulture));
        try
        {
            using var client = cluster.Client();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(15));
            await client.ListBucketsAsync(new ListBucketsRequest(), timeout.Token);
            return cluster;
        }
        catch (Exception ex) when (ex is AmazonS3Exception or HttpRequestException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private static bool Alive(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
