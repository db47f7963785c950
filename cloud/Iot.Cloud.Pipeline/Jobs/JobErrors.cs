using Iot.Cloud.Pipeline.Analysis;

namespace Iot.Cloud.Pipeline.Jobs;

/// <summary>What a failed attempt leaves on the job row.</summary>
internal static class JobErrors
{
    private const int MaxLength = 4000;

    public static string Describe(Exception ex)
    {
        var text = $"{ex.GetType().Name}: {ex.Message}";
        return text.Length <= MaxLength ? text : text[..MaxLength];
    }

    /// <summary>The engine's reply when a malformed one caused the failure, even if a handler wrapped the exception.</summary>
    public static string? RawReply(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is MalformedReplyException malformed)
            {
                return malformed.RawReply;
            }
        }

        return null;
    }
}
