using Iot.Cloud.Storage;
using Iot.Cloud.Storage.Local;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Iot.Cloud.Bridge.Storage;

/// <summary>
/// Deletes audio temp files a crash (kill -9, power cut) left in the recordings tree: this instance's own at once,
/// since no run of it is writing now, and any other instance's once older than <see cref="ForeignMaxAge"/>, since
/// a temp file lives for milliseconds. Such a file never has a row, and its chunk was never acked, so the device
/// resends it. Runs once in the background after start: the tree can be large and ingest must not wait for it.
/// Only the local store has temp files; with an object store a PUT is all or nothing.
/// </summary>
internal sealed partial class TempFileSweeper(IAudioStore audio, TimeProvider time, ILogger<TempFileSweeper> logger) : BackgroundService
{
    public static readonly TimeSpan ForeignMaxAge = TimeSpan.FromHours(1);

    // A stop during the sweep ends it quietly: a background service whose task ends cancelled before the host's own
    // StopAsync (a host disposed without stopping) is reported by the host as a fault.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(
        () =>
        {
            try
            {
                Sweep(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
        },
        CancellationToken.None);

    internal int Sweep(CancellationToken cancellationToken)
    {
        if (audio is not LocalAudioStore store || !Directory.Exists(Path.Combine(store.Root, "recordings")))
        {
            return 0;
        }

        var deleted = 0;
        var cutoff = time.GetUtcNow().UtcDateTime - ForeignMaxAge;
        try
        {
            foreach (var path in Directory.EnumerateFiles(Path.Combine(store.Root, "recordings"), "*" + LocalAudioStore.TempSuffix, SearchOption.AllDirectories))
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    if (store.IsOwnTempFile(path) || File.GetLastWriteTimeUtc(path) < cutoff)
                    {
                        File.Delete(path);
                        deleted++;
                        LogDeleted(Path.GetRelativePath(store.Root, path));
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    LogDeleteFailed(ex, path);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogSweepFailed(ex);
        }

        return deleted;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleted audio temp file {Path} left by a crash")]
    private partial void LogDeleted(string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete audio temp file {Path}")]
    private partial void LogDeleteFailed(Exception exception, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sweeping audio temp files failed")]
    private partial void LogSweepFailed(Exception exception);
}
