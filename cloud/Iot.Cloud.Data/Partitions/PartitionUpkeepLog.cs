using Microsoft.Extensions.Logging;

namespace Iot.Cloud.Data.Partitions;

/// <summary>How start-up and the daily job report an upkeep pass; rows left in DEFAULT are the alert.</summary>
public static partial class PartitionUpkeepLog
{
    public static void Report(this ILogger logger, IEnumerable<PartitionUpkeep> upkeep)
    {
        foreach (var u in upkeep)
        {
            if (u.PartitionsCreated > 0)
            {
                LogCreated(logger, u.Table, u.PartitionsCreated, u.RowsMoved);
            }

            if (u.RowsInDefault > 0)
            {
                LogRowsInDefault(logger, u.Table, u.RowsInDefault);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "partitions: {Table}: {Created} monthly partition(s) created, {Moved} row(s) moved out of DEFAULT")]
    private static partial void LogCreated(ILogger logger, string table, int created, long moved);

    [LoggerMessage(Level = LogLevel.Warning, Message = "partitions: {Table}: {Rows} row(s) sit in the DEFAULT partition (timestamps outside every kept month: check device clocks)")]
    private static partial void LogRowsInDefault(ILogger logger, string table, long rows);
}
